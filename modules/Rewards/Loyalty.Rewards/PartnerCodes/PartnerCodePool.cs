using Loyalty.Rewards.Catalog;
using Loyalty.Rewards.Contracts;
using Loyalty.Rewards.Persistence;
using Loyalty.Shared.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Loyalty.Rewards.PartnerCodes;

/// <summary>
/// A partner reward's pool of codes. Its reward's <see cref="Reward.Stock"/> counts the available codes and is
/// changed first in every transaction that draws, returns or adds codes: that row lock (SQLite's write lock) puts
/// concurrent draws of one pool in a line, so each sees the codes the one before it took.
/// </summary>
internal sealed class PartnerCodePool(RewardsDbContext db, ILogger<PartnerCodePool> logger)
{
    /// <summary>Assigns the pool's oldest available code to the redemption; null when none is left. Call after taking the stock item, in its transaction.</summary>
    public async Task<Guid?> DrawAsync(Guid rewardId, Guid redemptionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var codeId = await db.PartnerCodes.Where(c => c.RewardId == rewardId && c.Status == PartnerCodeStatus.Available)
            .OrderBy(c => c.Id).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(cancellationToken);
        if (codeId is null
            || await db.PartnerCodes.Where(c => c.Id == codeId && c.Status == PartnerCodeStatus.Available)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, PartnerCodeStatus.Assigned).SetProperty(c => c.RedemptionId, redemptionId).SetProperty(c => c.AssignedAt, now), cancellationToken) == 0)
        {
            return null;
        }

        await ReassessAsync(rewardId, now, cancellationToken);
        return codeId;
    }

    /// <summary>
    /// Puts a redemption's code back in the pool unless the member has seen it; true when it went back (the caller
    /// then returns the stock item). A revealed code stays with its redemption, so it is never handed out twice.
    /// </summary>
    public async Task<bool> ReturnAsync(Guid codeId, Guid redemptionId, CancellationToken cancellationToken) =>
        await db.PartnerCodes.Where(c => c.Id == codeId && c.RedemptionId == redemptionId && c.RevealedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, PartnerCodeStatus.Available).SetProperty(c => c.RedemptionId, (Guid?)null).SetProperty(c => c.AssignedAt, (DateTimeOffset?)null), cancellationToken) == 1;

    /// <summary>
    /// Raises the low-pool alert when the available codes are at or below the threshold and it is not raised yet
    /// (an integration event and a warning in the log), and clears it once they are above again. Call in the
    /// transaction that changed the stock.
    /// </summary>
    public async Task ReassessAsync(Guid rewardId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pool = await db.Rewards.AsNoTracking().Where(r => r.Id == rewardId)
            .Select(r => new { r.ProgramCode, r.Stock, r.LowPoolThreshold, r.LowPoolSince }).SingleAsync(cancellationToken);
        if (pool.LowPoolThreshold is not { } threshold)
        {
            return;
        }

        var available = pool.Stock ?? 0;
        if (available > threshold)
        {
            if (pool.LowPoolSince is not null
                && await db.Rewards.Where(r => r.Id == rewardId && r.LowPoolSince != null).ExecuteUpdateAsync(s => s.SetProperty(r => r.LowPoolSince, (DateTimeOffset?)null), cancellationToken) == 1)
            {
                logger.LogInformation("Partner code pool of reward {Reward} is above its threshold of {Threshold} again: {Available} codes", rewardId, threshold, available);
            }

            return;
        }

        if (await db.Rewards.Where(r => r.Id == rewardId && r.LowPoolSince == null).ExecuteUpdateAsync(s => s.SetProperty(r => r.LowPoolSince, now), cancellationToken) == 1)
        {
            logger.LogWarning("Partner code pool of reward {Reward} is low: {Available} codes left, threshold {Threshold}", rewardId, available, threshold);
            db.Publish(new PartnerCodePoolLow(Guid.CreateVersion7(now), now, pool.ProgramCode, rewardId, available, threshold));
        }
    }
}
