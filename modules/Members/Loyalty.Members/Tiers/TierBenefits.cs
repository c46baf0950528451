using Loyalty.Members.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Tiers;

/// <summary>What a member's tier gives them, for the calculations that apply it.</summary>
internal sealed class TierBenefits(MembersDbContext db)
{
    /// <summary>
    /// The earning multiplier of the member's current tier (1.0 without a tier), for the earning calculation to
    /// apply to what a transaction earns. It is the tier as committed: a purchase that upgrades the member earns at
    /// the tier the member had before it.
    /// </summary>
    public async Task<decimal> EarningMultiplierAsync(Guid programId, Guid memberId, CancellationToken cancellationToken) =>
        await db.MemberTiers.AsNoTracking()
            .Where(s => s.MemberId == memberId && s.ProgramId == programId)
            .Join(db.TierDefinitions, s => new { s.ProgramId, Code = s.TierCode }, t => new { t.ProgramId, t.Code }, (s, t) => (decimal?)t.EarningMultiplier)
            .SingleOrDefaultAsync(cancellationToken)
        ?? 1m;
}
