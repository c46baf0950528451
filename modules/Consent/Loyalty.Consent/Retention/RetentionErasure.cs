using Loyalty.Consent.Contracts;
using Loyalty.Consent.Persistence;
using Loyalty.Consent.Requests;
using Loyalty.Shared.Auditing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Retention;

/// <summary>
/// Anonymises a member for a retention policy through the erasure of data subject requests: an erasure request is
/// filed by <c>retention:{category}</c> (so the work queue and the audit trail show it, with its steps and reports) and
/// run like any other, except that the member's identifiers do not go on the suppression list: the person did not
/// object, and may enrol again.
/// </summary>
internal sealed class RetentionErasure(ConsentDbContext db, RequestWork work, AuditTrail audit, TimeProvider clock) : IRetentionErasure
{
    public const string ActorPrefix = "retention:";

    public static bool IsRetention(DataSubjectRequest request) => request.FiledBy.StartsWith(ActorPrefix, StringComparison.Ordinal);

    public async Task<bool> EraseAsync(Guid memberId, string categoryKey, CancellationToken cancellationToken)
    {
        var request = await db.Requests.AsNoTracking()
            .Where(r => r.MemberId == memberId && r.Type == RequestType.Erasure && r.Status != RequestStatus.Rejected)
            .OrderBy(r => r.ReceivedAt).FirstOrDefaultAsync(cancellationToken);
        if (request is null)
        {
            var now = clock.GetUtcNow();
            request = new DataSubjectRequest
            {
                Id = Guid.CreateVersion7(now), Type = RequestType.Erasure, MemberId = memberId,
                Verification = $"Not a request of the person: retention policy {categoryKey} (Art. 5(1)(e), storage limitation).",
                ReceivedAt = now, DueOn = RequestDeadlines.DueOn(now), Status = RequestStatus.Received, FiledBy = ActorPrefix + categoryKey,
            };
            db.Requests.Add(request);
            audit.Record(db, "consent.request.filed", "request", request.Id.ToString(), new { type = "erasure", memberId, retention = categoryKey });
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        if (!request.IsOpen)
        {
            return true;
        }

        // Held by another runner (the endpoint or the retry job): it finishes the request.
        return await work.ClaimAsync(request.Id, cancellationToken) && await work.RunClaimedAsync(request.Id, cancellationToken);
    }
}
