using Loyalty.Consent.Contracts;
using Loyalty.Consent.Persistence;
using Loyalty.Consent.Requests;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Auditing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.Consent.Erasure;

/// <summary>
/// Erases again, after a restore, the members the <see cref="ErasureJournal"/> names whose erasure the database does
/// not hold as completed. A request missing from the restored database is filed again under its own id, so a second
/// replay finds it done; one that was under way at the backup is run on.
/// </summary>
internal sealed partial class ErasureReplay(
    ConsentDbContext db, ErasureJournal journal, RequestWork work, IMemberIdentities identities, AuditTrail audit, TimeProvider clock,
    IOptions<ConsentOptions> options, ILogger<ErasureReplay> logger) : IErasureReplay
{
    public const string FiledBy = "erasure journal replay";

    public async Task<ErasureReplayResult> ReplayAsync(string? journalPath, CancellationToken cancellationToken)
    {
        if (options.Value.SuppressionSecret is not { Length: >= Suppression.SuppressionList.MinimumSecretLength })
        {
            throw new InvalidOperationException($"Set {ConsentOptions.Section}:SuppressionSecret (the installation's, as before the restore) before replaying erasures.");
        }

        var path = journalPath ?? journal.Path;
        int entries = 0, done = 0, replayed = 0, unknown = 0, failed = 0;
        var seen = new HashSet<Guid>();
        await foreach (var entry in ErasureJournal.ReadAsync(path, cancellationToken))
        {
            // A request may be in the journal more than once (a run again after a crash, or this replay's own run).
            if (!seen.Add(entry.RequestId))
            {
                continue;
            }

            entries++;

            var request = await db.Requests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == entry.RequestId, cancellationToken);
            if (request is { Status: RequestStatus.Completed })
            {
                done++;
                continue;
            }

            if (await identities.FindAsync(entry.MemberId, cancellationToken) is null)
            {
                unknown++;
                continue;
            }

            if (request is null)
            {
                db.Requests.Add(new DataSubjectRequest
                {
                    Id = entry.RequestId,
                    Type = RequestType.Erasure,
                    MemberId = entry.MemberId,
                    Verification = $"Verified for the original request, received {entry.ReceivedAt:yyyy-MM-dd}; filed again from the erasure journal after a restore.",
                    ReceivedAt = entry.ReceivedAt,
                    DueOn = RequestDeadlines.DueOn(entry.ReceivedAt),
                    Status = RequestStatus.Received,
                    FiledBy = FiledBy,
                });
                audit.Record(db, "consent.request.replayed", "request", entry.RequestId.ToString(), new { memberId = entry.MemberId, entry.StartedAt, at = clock.GetUtcNow() });
                await db.SaveChangesAsync(cancellationToken);
                db.ChangeTracker.Clear();
            }

            if (await work.ClaimAsync(entry.RequestId, cancellationToken) && await work.RunClaimedAsync(entry.RequestId, cancellationToken))
            {
                replayed++;
            }
            else
            {
                failed++;
                LogNotCompleted(logger, entry.RequestId);
            }
        }

        LogReplayed(logger, entries, done, replayed, unknown, failed);
        return new ErasureReplayResult(path, entries, done, replayed, unknown, failed);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replayed erasure request {RequestId} did not complete; it stays open for the retry job.")]
    private static partial void LogNotCompleted(ILogger logger, Guid requestId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Erasure journal: {Entries} entries, {Done} already done, {Replayed} replayed, {Unknown} of unknown members, {Failed} not completed")]
    private static partial void LogReplayed(ILogger logger, int entries, int done, int replayed, int unknown, int failed);
}
