using System.Text.Json;
using Loyalty.Connectors.Connections;
using Loyalty.Connectors.Persistence;
using Loyalty.Connectors.Sdk;
using Loyalty.Consent.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.Connectors.Sync;

/// <summary>
/// Runs sync runs: queues the connections whose interval has passed, claims queued runs (and runs whose node died,
/// once their claim ran out) and runs each: inbound pages from the stored cursor, the dead letters an admin queued for
/// a retry, then the outbound queue. A rate limit, the CRM's or the connection's own <see cref="CallBudget"/>, stops
/// the run with the cursor kept; the next run resumes from it.
/// </summary>
internal sealed class SyncRunner(
    ConnectorsDbContext db, ConnectorRuntime runtime, InboundSync inbound, OutboundSync outbound, IConsentGate consent, IOptions<ConnectorsOptions> options,
    SyncMetrics metrics, TimeProvider clock, ILogger<SyncRunner> logger)
{
    public const string Manual = "manual";
    public const string Scheduled = "schedule";

    private static readonly TimeSpan ClaimDuration = TimeSpan.FromMinutes(10);
    private const int TransientAttempts = 4;

    public async Task QueueDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var setups = await db.SyncSetups.AsNoTracking().Select(s => new { s.ConnectionId, s.NextRunAt }).ToListAsync(cancellationToken);
        foreach (var connectionId in setups.Where(s => s.NextRunAt is null || s.NextRunAt <= now).Select(s => s.ConnectionId))
        {
            var setup = await db.SyncSetups.SingleAsync(s => s.ConnectionId == connectionId, cancellationToken);
            if (!await db.SyncRuns.AnyAsync(r => r.ConnectionId == connectionId && (r.Status == SyncRunStatus.Queued || r.Status == SyncRunStatus.Running), cancellationToken))
            {
                db.SyncRuns.Add(NewRun(connectionId, Scheduled, now));
            }

            setup.NextRunAt = now.AddMinutes(setup.IntervalMinutes);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another node or a manual trigger queued a run of this connection meanwhile: that one runs, this is skipped.
                logger.LogInformation("Scheduled sync of connection {ConnectionId} skipped: a run is already queued or running", connectionId);
            }

            db.ChangeTracker.Clear();
        }
    }

    public static SyncRun NewRun(Guid connectionId, string trigger, DateTimeOffset now) =>
        new() { Id = Guid.CreateVersion7(now), ConnectionId = connectionId, Trigger = trigger, Status = SyncRunStatus.Queued, QueuedAt = now };

    public async Task RunQueuedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = clock.GetUtcNow();
            var next = await db.SyncRuns.AsNoTracking()
                .Where(r => r.Status == SyncRunStatus.Queued || (r.Status == SyncRunStatus.Running && r.LockedUntil < now))
                .OrderBy(r => r.QueuedAt).Select(r => r.Id).FirstOrDefaultAsync(cancellationToken);
            if (next == Guid.Empty)
            {
                return;
            }

            var claimed = await db.SyncRuns
                .Where(r => r.Id == next && (r.Status == SyncRunStatus.Queued || (r.Status == SyncRunStatus.Running && r.LockedUntil < now)))
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, SyncRunStatus.Running).SetProperty(r => r.LockedUntil, now + ClaimDuration), cancellationToken);
            if (claimed == 1)
            {
                db.ChangeTracker.Clear();
                await RunAsync(await db.SyncRuns.SingleAsync(r => r.Id == next, cancellationToken), cancellationToken);
            }
        }
    }

    private async Task RunAsync(SyncRun run, CancellationToken cancellationToken)
    {
        var setup = await db.SyncSetups.SingleOrDefaultAsync(s => s.ConnectionId == run.ConnectionId, cancellationToken);
        var connection = await db.Connections.AsNoTracking().SingleOrDefaultAsync(c => c.Id == run.ConnectionId, cancellationToken);
        run.StartedAt ??= clock.GetUtcNow();
        try
        {
            if (setup is null || connection is null)
            {
                throw new ConnectorException(ConnectorErrorKind.Configuration, "the connection has no sync setup (PUT …/sync)");
            }

            await using var connector = runtime.Create(connection)
                ?? throw new ConnectorException(ConnectorErrorKind.Configuration, $"the connector plugin '{connection.ConnectorId}' is not loaded");
            var mappings = setup.ParsedMappings();
            // Read once per run: a restriction marked meanwhile counts from the next run (its flag is written at once).
            var restricted = await consent.ExcludedFromAsync(setup.ProgramId, ProcessingUse.CrmExport, cancellationToken);
            var budget = await CallBudget.ReadAsync(db, setup, run, clock, cancellationToken);
            if (mappings.Any(m => m.IsInbound))
            {
                await ReadInboundAsync(connector, setup, run, mappings, restricted, budget, cancellationToken);
            }

            await RetryQueuedDeadLettersAsync(setup, run, mappings, restricted, cancellationToken);
            if (mappings.Any(m => !m.IsInbound))
            {
                Guid[] held = [.. restricted];
                while (await WithRetriesAsync(() => outbound.SendBatchAsync(connector, setup, run, mappings, held, budget, cancellationToken), cancellationToken))
                {
                    run.LockedUntil = clock.GetUtcNow() + ClaimDuration;
                    await db.SaveChangesAsync(cancellationToken);
                }
            }

            Finish(run, SyncRunStatus.Completed, null);
        }
        catch (ConnectorException e) when (e.Kind == ConnectorErrorKind.RateLimited)
        {
            setup!.NextRunAt = clock.GetUtcNow() + (e.RetryAfter ?? options.Value.RateLimitPause);
            Finish(run, SyncRunStatus.Stopped, $"rate limited, resumes after {setup.NextRunAt:O}: {e.Message}");
        }
        catch (ConnectorException e)
        {
            Finish(run, SyncRunStatus.Failed, $"{e.Kind}: {e.Message}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host is stopping: give the run back, so the next round resumes it from the stored cursor.
            db.ChangeTracker.Clear();
            await db.SyncRuns.Where(r => r.Id == run.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, SyncRunStatus.Queued).SetProperty(r => r.LockedUntil, (DateTimeOffset?)null), CancellationToken.None);
            throw;
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or JsonException or HttpRequestException)
        {
            logger.LogError(e, "Sync run {RunId} of connection {ConnectionId} failed", run.Id, run.ConnectionId);
            db.ChangeTracker.Clear();
            db.SyncRuns.Update(run);
            Finish(run, SyncRunStatus.Failed, e.GetType().Name);
        }

        await db.SaveChangesAsync(cancellationToken);
        metrics.Finished(connection?.ConnectorId ?? "unknown", run);
        logger.LogInformation(
            "Sync run {RunId} of connection {ConnectionId} {Status}: read {Read}, created {Created}, updated {Updated}, skipped {Skipped}, failed {Failed}, conflicts {Conflicts}, sent {Sent}",
            run.Id, run.ConnectionId, run.Status, run.Read, run.Created, run.Updated, run.Skipped, run.Failed, run.Conflicts, run.Sent);
    }

    private async Task ReadInboundAsync(
        IConnector connector, SyncSetup setup, SyncRun run, IReadOnlyList<FieldMapping> mappings, IReadOnlySet<Guid> restricted, CallBudget budget,
        CancellationToken cancellationToken)
    {
        run.FullLoad |= setup.Cursor is null;
        IReadOnlyList<string> fields = [.. mappings.Where(m => m.IsInbound).Select(m => m.CrmField!).Append(setup.ExternalIdField).Distinct()];
        var lookBack = TimeSpan.FromSeconds(setup.LookBackSeconds);
        while (true)
        {
            var request = new ReadRequest(setup.ObjectName, fields, setup.Cursor, setup.PageSize, lookBack);
            var page = await WithRetriesAsync(
                () =>
                {
                    budget.Take();
                    return connector.ReadChangesAsync(request, cancellationToken);
                },
                cancellationToken);
            lookBack = TimeSpan.Zero;
            foreach (var record in page.Records)
            {
                if (await inbound.ApplyAsync(setup, run, record, mappings, restricted, cancellationToken) is { } held)
                {
                    await DeadLetters.AddAsync(
                        db, clock, setup.ConnectionId, run.Id, SyncDirections.Inbound, record.Id, held.MemberId, JsonSerializer.Serialize(record, JsonSerializerOptions.Web), held.Code, held.Message, cancellationToken);
                }

                await db.SaveChangesAsync(cancellationToken);
            }

            // The cursor moves only now that every record of the page is applied.
            setup.Cursor = page.NextCursor ?? setup.Cursor;
            run.Pages++;
            run.LockedUntil = clock.GetUtcNow() + ClaimDuration;
            await db.SaveChangesAsync(cancellationToken);
            // The page's links are saved; tracking them for the rest of the run would make every later save walk them all.
            db.ChangeTracker.Clear();
            db.Attach(setup);
            db.Attach(run);
            if (!page.HasMore)
            {
                return;
            }
        }
    }

    private async Task RetryQueuedDeadLettersAsync(SyncSetup setup, SyncRun run, IReadOnlyList<FieldMapping> mappings, IReadOnlySet<Guid> restricted, CancellationToken cancellationToken)
    {
        var queued = await db.DeadLetters.Where(d => d.ConnectionId == setup.ConnectionId && d.Status == DeadLetterStatus.Queued).ToListAsync(cancellationToken);
        foreach (var letter in queued)
        {
            (letter.Attempts, letter.UpdatedAt, letter.RunId) = (letter.Attempts + 1, clock.GetUtcNow(), run.Id);
            if (letter.Direction == SyncDirections.Outbound)
            {
                var pending = await db.OutboundChanges.SingleOrDefaultAsync(c => c.ConnectionId == setup.ConnectionId && c.MemberId == letter.MemberId, cancellationToken);
                OutboundQueue.Enqueue(db, pending, setup.ConnectionId, letter.MemberId!.Value, clock.GetUtcNow());
                letter.Status = DeadLetterStatus.Resolved;
            }
            else
            {
                var record = JsonSerializer.Deserialize<RecordChange>(letter.Payload, JsonSerializerOptions.Web)!;
                var held = await inbound.ApplyAsync(setup, run, record, mappings, restricted, cancellationToken);
                (letter.Status, letter.ErrorCode, letter.ErrorMessage, letter.Payload) = held is null
                    ? (DeadLetterStatus.Resolved, letter.ErrorCode, letter.ErrorMessage, DeadLetters.NoPayload)
                    : (DeadLetterStatus.Open, held.Code, held.Message, letter.Payload);
            }

            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Transient failures (after the HTTP pipeline's own retries) are tried again with exponential backoff and jitter.</summary>
    private static async Task<T> WithRetriesAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (ConnectorException e) when (e.Kind == ConnectorErrorKind.Transient && attempt < TransientAttempts)
            {
                var delay = TimeSpan.FromMilliseconds((200 << attempt) + Random.Shared.Next(0, 200));
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    private void Finish(SyncRun run, SyncRunStatus status, string? error)
    {
        (run.Status, run.Error, run.FinishedAt, run.LockedUntil) = (status, error is { Length: > 1000 } ? error[..1000] : error, clock.GetUtcNow(), null);
    }
}
