using System.Data.Common;
using Loyalty.Members.Enrollment;
using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;
using Loyalty.Members.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.Members.Import;

/// <summary>
/// Runs an import job: streams its file, skips what the checkpoint says is done, and commits each batch of rows in
/// one transaction with the counters, the row errors and the new checkpoint. A kill loses at most the batch in
/// flight, which the next run does again from its first row; nothing is half-written and nothing is done twice.
/// </summary>
internal sealed class ImportEngine(
    MembersDbContext db, MemberEnrollment enrollment, TransactionRecorder recorder, IOptions<ImportOptions> options, TimeProvider clock, ILogger<ImportEngine> logger)
{
    private const int BatchAttempts = 3;

    public static string NewRunnerId() => $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Takes a queued job, or a running one whose runner let its lease run out (it died).</summary>
    public async Task<bool> TryClaimAsync(Guid jobId, string runner, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var until = now + options.Value.LeaseDuration;
        return await db.ImportJobs
            .Where(j => j.Id == jobId && (j.Status == ImportStatus.Queued || (j.Status == ImportStatus.Running && (j.LockedUntil == null || j.LockedUntil < now))))
            .ExecuteUpdateAsync(set => set
                .SetProperty(j => j.Status, ImportStatus.Running)
                .SetProperty(j => j.LockedBy, runner)
                .SetProperty(j => j.LockedUntil, until)
                .SetProperty(j => j.StartedAt, j => j.StartedAt ?? now), cancellationToken) == 1;
    }

    /// <summary>Runs a job this runner has claimed, to its end or until cancelled (which leaves it to be resumed).</summary>
    public async Task<ImportJob> RunAsync(Guid jobId, string runner, Action<ImportJob> onBatch, CancellationToken cancellationToken)
    {
        var job = await db.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == jobId, cancellationToken);
        var program = await db.Programs.AsNoTracking().SingleAsync(p => p.Id == job.ProgramId, cancellationToken);
        logger.LogInformation("Import {JobId} ({Kind}) runs from line {Checkpoint}", job.Id, job.Kind, job.CheckpointLine + 1);
        try
        {
            await using var file = new CountingStream(File.OpenRead(job.FilePath));
            var batch = new List<IReadOnlyList<ImportRow>>(options.Value.BatchSize);
            var checkHeader = job.Kind == ImportKind.Members ? (Func<IReadOnlyList<string>, string?>)MemberRows.CheckHeader : TransactionRows.CheckHeader;
            await foreach (var record in RecordsAsync(ImportFile.ReadAsync(file, job.Format, checkHeader, cancellationToken), job.Kind))
            {
                if (record[^1].Line <= job.CheckpointLine)
                {
                    continue;
                }

                batch.Add(record);
                if (batch.Count == options.Value.BatchSize)
                {
                    job = await CommitBatchAsync(job, program, batch, file.BytesRead, runner, cancellationToken);
                    batch.Clear();
                    onBatch(job);
                }
            }

            if (batch.Count > 0)
            {
                job = await CommitBatchAsync(job, program, batch, file.BytesRead, runner, cancellationToken);
                onBatch(job);
            }

            return await FinishAsync(job, runner, ImportStatus.Completed, null, cancellationToken);
        }
        catch (ImportFileException e)
        {
            return await FinishAsync(job, runner, ImportStatus.Failed, e.Message, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return await FinishAsync(job, runner, ImportStatus.Failed, "The file is not there any more.", cancellationToken);
        }
        catch (ImportStoppedException)
        {
            logger.LogInformation("Import {JobId} stopped: cancelled, or taken over by another runner", job.Id);
            return await db.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == jobId, cancellationToken);
        }
    }

    /// <summary>
    /// The file's records: one row each, except a transaction in CSV, which is its consecutive rows with the same
    /// external id (one per line of the transaction). A batch ends only between records.
    /// </summary>
    private static async IAsyncEnumerable<IReadOnlyList<ImportRow>> RecordsAsync(IAsyncEnumerable<ImportRow> rows, ImportKind kind)
    {
        var current = new List<ImportRow>();
        await foreach (var row in rows)
        {
            if (current.Count > 0 && !(kind == ImportKind.Transactions && TransactionRows.SameTransaction(current[0], row)))
            {
                yield return current;
                current = [];
            }

            current.Add(row);
        }

        if (current.Count > 0)
        {
            yield return current;
        }
    }

    private async Task<ImportJob> CommitBatchAsync(ImportJob job, LoyaltyProgram program, List<IReadOnlyList<ImportRow>> batch, long bytesRead, string runner, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (succeeded, skipped, failed) = (0L, 0L, 0L);
            // A record (one member, one transaction) counts as one row read, so read = imported + skipped + bad.
            long rowsRead = batch.Count;
            var errors = new List<ImportRowError>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            try
            {
                var results = job.Kind == ImportKind.Members
                    ? await ImportMembersAsync(program, batch, cancellationToken)
                    : await ImportTransactionsAsync(program, batch, cancellationToken);
                db.ChangeTracker.Clear();
                foreach (var (record, rowErrors) in batch.Zip(results))
                {
                    if (rowErrors is null)
                    {
                        succeeded++;
                    }
                    else if (rowErrors.Count == 0)
                    {
                        skipped++;
                    }
                    else
                    {
                        failed++;
                        errors.AddRange(rowErrors.Select(e => new ImportRowError { Id = Guid.CreateVersion7(clock.GetUtcNow()), JobId = job.Id, LineNumber = record[0].Line, Field = e.Field, Reason = e.Reason }));
                    }
                }

                db.ImportRowErrors.AddRange(errors);
                await db.SaveChangesAsync(cancellationToken);
                var checkpoint = batch[^1][^1].Line;
                var leaseUntil = clock.GetUtcNow() + options.Value.LeaseDuration;
                var updated = await db.ImportJobs
                    .Where(j => j.Id == job.Id && j.LockedBy == runner && j.Status == ImportStatus.Running)
                    .ExecuteUpdateAsync(set => set
                        .SetProperty(j => j.RowsRead, j => j.RowsRead + rowsRead)
                        .SetProperty(j => j.RowsSucceeded, j => j.RowsSucceeded + succeeded)
                        .SetProperty(j => j.RowsSkipped, j => j.RowsSkipped + skipped)
                        .SetProperty(j => j.RowsFailed, j => j.RowsFailed + failed)
                        .SetProperty(j => j.CheckpointLine, checkpoint)
                        .SetProperty(j => j.BytesDone, Math.Min(bytesRead, job.FileSize))
                        .SetProperty(j => j.LockedUntil, leaseUntil), cancellationToken);
                if (updated == 0)
                {
                    throw new ImportStoppedException();
                }

                await transaction.CommitAsync(cancellationToken);
                db.ChangeTracker.Clear();
                job.RowsRead += rowsRead;
                job.RowsSucceeded += succeeded;
                job.RowsSkipped += skipped;
                job.RowsFailed += failed;
                job.CheckpointLine = checkpoint;
                job.BytesDone = Math.Min(bytesRead, job.FileSize);
                return job;
            }
            catch (Exception e) when (e is DbUpdateException or DbException && attempt < BatchAttempts)
            {
                // A concurrent writer took an email, card or id first (on PostgreSQL, that aborts the transaction, so a
                // later statement fails too), or changed a points account or tier the batch writes (their versions
                // conflict); the batch runs again from its first row on fresh data.
                await transaction.RollbackAsync(cancellationToken);
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>For each record: null when it was imported, empty when it was there already, otherwise what is wrong with it.</summary>
    private async Task<List<List<(string Field, string Reason)>?>> ImportMembersAsync(LoyaltyProgram program, List<IReadOnlyList<ImportRow>> batch, CancellationToken cancellationToken)
    {
        var results = new List<List<(string Field, string Reason)>?>(batch.Count);
        foreach (var record in batch)
        {
            results.Add(await ImportMemberAsync(program, record[0], cancellationToken));
            db.ChangeTracker.Clear();
        }

        return results;
    }

    private async Task<List<(string Field, string Reason)>?> ImportMemberAsync(LoyaltyProgram program, ImportRow row, CancellationToken cancellationToken)
    {
        var (request, field, reason) = MemberRows.Parse(row);
        if (request is null)
        {
            return [(field!, reason!)];
        }

        var result = await enrollment.EnrollAsync(program, request, cancellationToken);
        return result.Outcome switch
        {
            EnrollOutcome.Created => null,
            EnrollOutcome.Existing => [],
            EnrollOutcome.Conflict => [("externalId", "The external id, card number and email belong to different members.")],
            EnrollOutcome.Suppressed => [(result.SuppressedBy!, "Suppressed: this person was erased at their request and is not imported again.")],
            _ => [.. result.Errors!.ToProblem().ProblemDetails.Errors.Select(e => (e.Key, e.Value[0]))],
        };
    }

    /// <summary>
    /// Through <see cref="TransactionRecorder.RecordBatchAsync"/>, which gives each record the outcome
    /// <c>POST …/transactions</c> would: the same validation, earning, idempotency on the external id, and holding for
    /// retro-claims (a held purchase counts as imported).
    /// </summary>
    private async Task<List<List<(string Field, string Reason)>?>> ImportTransactionsAsync(LoyaltyProgram program, List<IReadOnlyList<ImportRow>> batch, CancellationToken cancellationToken)
    {
        var parsed = batch.Select(TransactionRows.Parse).ToList();
        var outcomes = await recorder.RecordBatchAsync(program, [.. parsed.Where(p => p.Request is not null).Select(p => p.Request!)], cancellationToken);
        var results = new List<List<(string Field, string Reason)>?>(batch.Count);
        var next = 0;
        foreach (var (request, field, reason) in parsed)
        {
            results.Add(request is null ? [(field!, reason!)] : RowErrors(outcomes[next++]));
        }

        return results;
    }

    private static List<(string Field, string Reason)>? RowErrors(TransactionOutcome outcome) => outcome switch
    {
        TransactionOutcome.Recorded { IsNew: true } or TransactionOutcome.Held => null,
        TransactionOutcome.Recorded => [],
        TransactionOutcome.Invalid invalid => [.. invalid.Errors.ToProblem().ProblemDetails.Errors.Select(e => (e.Key, e.Value[0]))],
        TransactionOutcome.Conflict => [("externalId", "Another transaction with other content has this external id.")],
        TransactionOutcome.UnknownMember => [("memberId", "No member of this program has the id, card or external id given.")],
        TransactionOutcome.Refused refused => [("transaction", refused.Title)],
        var other => [("transaction", $"Not recorded ({other.GetType().Name}).")],
    };

    private async Task<ImportJob> FinishAsync(ImportJob job, string runner, ImportStatus status, string? reason, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var bytesDone = status == ImportStatus.Completed ? job.FileSize : job.BytesDone;
        await db.ImportJobs
            .Where(j => j.Id == job.Id && j.LockedBy == runner && j.Status == ImportStatus.Running)
            .ExecuteUpdateAsync(set => set
                .SetProperty(j => j.Status, status)
                .SetProperty(j => j.FailureReason, reason)
                .SetProperty(j => j.BytesDone, bytesDone)
                .SetProperty(j => j.FinishedAt, now)
                .SetProperty(j => j.LockedBy, (string?)null)
                .SetProperty(j => j.LockedUntil, (DateTimeOffset?)null), cancellationToken);
        logger.LogInformation(
            "Import {JobId} {Status}: {Succeeded} imported, {Skipped} already there, {Failed} bad rows",
            job.Id, status, job.RowsSucceeded, job.RowsSkipped, job.RowsFailed);
        return await db.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == job.Id, cancellationToken);
    }
}

/// <summary>The job was cancelled, or another runner took it over after this one's lease ran out.</summary>
internal sealed class ImportStoppedException : Exception;
