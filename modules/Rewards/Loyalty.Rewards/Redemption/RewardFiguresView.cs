using Loyalty.Rewards.Contracts;
using Loyalty.Rewards.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Rewards.Redemption;

internal sealed class RewardFiguresView(RewardsDbContext db) : IRewardFigures
{
    public async Task<IReadOnlyList<TopReward>> MostRedeemedAsync(string programCode, DateTimeOffset from, DateTimeOffset until, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        var top = await db.Redemptions.AsNoTracking()
            .Where(r => r.ProgramCode == programCode && r.Status == RedemptionStatus.Completed && r.ReservedAt >= from && r.ReservedAt < until)
            .GroupBy(r => r.RewardId)
            .Select(g => new { RewardId = g.Key, Redemptions = g.Count(), Points = g.Sum(r => r.Points) })
            .OrderByDescending(g => g.Redemptions).ThenByDescending(g => g.Points).ThenBy(g => g.RewardId)
            .Take(take).ToListAsync(cancellationToken);
        var ids = top.Select(t => t.RewardId).ToList();
        var names = await db.Rewards.AsNoTracking().Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Name, cancellationToken);
        return [.. top.Select(t => new TopReward(t.RewardId, names[t.RewardId], t.Redemptions, t.Points))];
    }
}
