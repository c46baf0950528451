using Loyalty.Consent.Contracts;
using Loyalty.Members.Enrollment;
using Loyalty.Members.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.PersonalData;

/// <summary>
/// Members without any activity for the period: enrolled before the cut-off, and no purchase, return or points entry
/// (accrual, redemption, adjustment, expiry) since. They are anonymised through the erasure of data subject requests,
/// across every module and recipient, on the retention policy's basis.
/// </summary>
internal sealed class InactiveMembersRetention(MembersDbContext db, IRetentionErasure erasure) : IRetentionCategory
{
    public string Key => "members.inactive-members";

    public string Module => MembersDbContext.SchemaName;

    public string Name => "members without activity";

    public string Description => "A member with no purchase, return or points entry for this many days (counted from the last one, or from the enrolment) is anonymised in every module, as an erasure.";

    public int DefaultPeriodDays => 3 * 365;

    public Task<int> CountDueAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => Due(cutoff).CountAsync(cancellationToken);

    public async Task<RetentionBatch> ApplyBatchAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken)
    {
        var ids = await Due(cutoff).OrderBy(m => m.Id).Select(m => m.Id).Take(batchSize).ToListAsync(cancellationToken);
        var applied = 0;
        foreach (var id in ids)
        {
            // Each member's erasure runs in the steps of its request, each step one module's transaction, resumable.
            applied += await erasure.EraseAsync(id, Key, cancellationToken) ? 1 : 0;
        }

        return new RetentionBatch(ids.Count, applied);
    }

    private IQueryable<Member> Due(DateTimeOffset cutoff) =>
        db.Members.IgnoreAutoIncludes().Where(m => m.Status != MemberStatus.Erased && m.Status != MemberStatus.Merged && m.EnrolledAt <= cutoff
            && !db.Transactions.Any(t => t.MemberId == m.Id && t.OccurredAt > cutoff)
            && !db.PointsAccounts.Any(a => a.MemberId == m.Id && db.LedgerEntries.Any(e => e.AccountId == a.Id && e.CreatedAt > cutoff)));
}
