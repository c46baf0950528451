using Loyalty.Consent.Exports;
using Loyalty.Consent.Persistence;
using Loyalty.Consent.Requests;
using Loyalty.Consent.Restrictions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Loyalty.Consent.Jobs;

/// <summary>
/// Retries exports and erasures that stopped: a module failed, or the node died half-way. Each run goes on from the
/// request's recorded steps; the lease keeps a request to one runner. Then asks again the restriction recipients
/// (CRM connections) whose answer failed.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class RetryDataSubjectRequestsJob(
    ConsentDbContext db, RequestWork work, RestrictionPropagation restrictions, TimeProvider clock, ILogger<RetryDataSubjectRequestsJob> logger) : IJob
{
    public const int BatchSize = 20;

    public static readonly JobKey Key = new(nameof(RetryDataSubjectRequestsJob), ConsentDbContext.SchemaName);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var closed = new[] { RequestStatus.Completed, RequestStatus.Rejected };
        var due = await db.Requests.AsNoTracking()
            .Where(r => r.WorkPending && !closed.Contains(r.Status) && (r.LockedUntil == null || r.LockedUntil < now))
            .OrderBy(r => r.ReceivedAt).Select(r => r.Id).Take(BatchSize).ToListAsync(cancellationToken);
        foreach (var id in due)
        {
            if (await work.ClaimAsync(id, cancellationToken))
            {
                var completed = await work.RunClaimedAsync(id, cancellationToken);
                logger.LogInformation("Data subject request {RequestId} retried: {Outcome}", id, completed ? "completed" : "still failing");
            }
        }

        var (retried, done) = await restrictions.RetryFailedAsync(cancellationToken);
        if (retried > 0)
        {
            logger.LogInformation("Restriction recipients asked again: {Retried}, {Done} of them done", retried, done);
        }
    }
}

/// <summary>Deletes export archives past their retention, downloaded or not.</summary>
[DisallowConcurrentExecution]
internal sealed class DeleteExpiredExportsJob(ConsentDbContext db, ExportStorage storage, TimeProvider clock, ILogger<DeleteExpiredExportsJob> logger) : IJob
{
    public static readonly JobKey Key = new(nameof(DeleteExpiredExportsJob), ConsentDbContext.SchemaName);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var expired = await db.ExportArchives.Where(a => a.DeletedAt == null && a.DeleteAfter <= now).ToListAsync(cancellationToken);
        foreach (var archive in expired)
        {
            File.Delete(storage.PathOf(archive.FileName));
            (archive.DeletedAt, archive.LinkTokenHash, archive.LinkExpiresAt) = (now, null, null);
        }

        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Deleted {Count} export archives past their retention", expired.Count);
    }
}
