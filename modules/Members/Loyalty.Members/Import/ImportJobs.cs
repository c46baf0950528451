using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Import;

internal sealed record ImportJobDto(
    Guid Id,
    string Program,
    string Kind,
    string Format,
    string FileName,
    long FileSize,
    string Sha256,
    string Status,
    long RowsRead,
    long RowsSucceeded,
    long RowsSkipped,
    long RowsFailed,
    long CheckpointLine,
    long BytesDone,
    int Percent,
    string? FailureReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt)
{
    public static ImportJobDto From(ImportJob j) => new(
        j.Id, j.ProgramCode, j.Kind.ToString().ToLowerInvariant(), j.Format.ToString().ToLowerInvariant(), j.FileName, j.FileSize, j.Sha256,
        j.Status.ToString().ToLowerInvariant(), j.RowsRead, j.RowsSucceeded, j.RowsSkipped, j.RowsFailed, j.CheckpointLine, j.BytesDone,
        j.FileSize == 0 ? 100 : (int)(j.BytesDone * 100 / j.FileSize), j.FailureReason, j.CreatedAt, j.StartedAt, j.FinishedAt);
}

/// <summary>Finds the job of a file by its hash, or queues a new one: one file is one job per program and kind.</summary>
internal sealed class ImportJobs(MembersDbContext db, TimeProvider clock)
{
    /// <returns>The job, and whether it is new. A failed or cancelled job of the same file is queued again, to resume.</returns>
    public async Task<(ImportJob Job, bool Created)> QueueAsync(
        LoyaltyProgram program, ImportKind kind, ImportFormat format, string fileName, string filePath, long size, string sha256, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var existing = await db.ImportJobs.SingleOrDefaultAsync(j => j.ProgramId == program.Id && j.Kind == kind && j.Sha256 == sha256, cancellationToken);
            if (existing is not null)
            {
                if (existing.Status is ImportStatus.Failed or ImportStatus.Cancelled)
                {
                    existing.Status = ImportStatus.Queued;
                    if (!File.Exists(existing.FilePath))
                    {
                        existing.FilePath = filePath;
                    }

                    existing.FailureReason = null;
                    existing.FinishedAt = null;
                    await db.SaveChangesAsync(cancellationToken);
                }

                return (existing, false);
            }

            var now = clock.GetUtcNow();
            var job = new ImportJob
            {
                Id = Guid.CreateVersion7(now),
                ProgramId = program.Id,
                ProgramCode = program.Code,
                Kind = kind,
                Format = format,
                FileName = Path.GetFileName(fileName) is { Length: > 0 and <= 255 } name ? name : "upload",
                FilePath = filePath,
                FileSize = size,
                Sha256 = sha256,
                Status = ImportStatus.Queued,
                CreatedAt = now,
            };
            db.ImportJobs.Add(job);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return (job, true);
            }
            catch (DbUpdateException) when (attempt == 1)
            {
                // The same file was queued at the same moment; answer with that job.
                db.ChangeTracker.Clear();
            }
        }
    }
}
