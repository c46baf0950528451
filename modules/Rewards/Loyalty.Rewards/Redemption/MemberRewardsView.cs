using Loyalty.Rewards.Contracts;
using Loyalty.Rewards.Persistence;
using Loyalty.Rewards.Vouchers;
using Loyalty.Shared.Auditing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Rewards.Redemption;

internal sealed class MemberRewardsView(RewardsDbContext db, AuditTrail audit, TimeProvider clock) : IMemberRewards
{
    public async Task<MemberRewards> OfMemberAsync(string programCode, Guid memberId, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        var redemptions = await (from redemption in db.Redemptions.AsNoTracking()
                                 join reward in db.Rewards.AsNoTracking() on redemption.RewardId equals reward.Id
                                 where redemption.ProgramCode == programCode && redemption.MemberId == memberId
                                 orderby redemption.ReservedAt descending, redemption.Id descending
                                 select new { redemption.Id, reward.Name, redemption.Points, redemption.Status, redemption.Fulfilment, redemption.ReservedAt })
            .Take(take).ToListAsync(cancellationToken);
        var vouchers = await db.Vouchers.AsNoTracking().Where(v => v.ProgramCode == programCode && v.MemberId == memberId)
            .OrderByDescending(v => v.IssuedAt).ThenByDescending(v => v.Id).Take(take).ToListAsync(cancellationToken);
        audit.RecordPersonalDataAccess(db, "rewards.member-rewards.viewed", memberId);
        await db.SaveChangesAsync(cancellationToken);

        var now = clock.GetUtcNow();
        return new MemberRewards(
            [.. redemptions.Select(r => new MemberRedemption(r.Id, r.Name, r.Points, r.Status.ToString(), r.Fulfilment?.ToString(), r.ReservedAt))],
            [.. vouchers.Select(v => new MemberVoucher(v.Id, v.Code is { Length: > 4 } code ? code[^4..] : null, v.Kind.ToString(), State(v, now), v.Uses, v.MaxUses, v.IssuedAt, v.ExpiresAt))]);
    }

    private static string State(Voucher voucher, DateTimeOffset now) =>
        voucher.Status == VoucherStatus.Voided ? "voided"
        : voucher.Uses >= voucher.MaxUses ? "used"
        : voucher.ExpiresAt <= now ? "expired"
        : "active";
}
