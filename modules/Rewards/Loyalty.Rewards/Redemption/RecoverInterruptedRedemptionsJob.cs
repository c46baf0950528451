using Loyalty.Rewards.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace Loyalty.Rewards.Redemption;

/// <summary>Redemption settings, section <c>Modules:Rewards:Redemptions</c>.</summary>
internal sealed class RedemptionOptions
{
    public const string Section = "Modules:Rewards:Redemptions";

    /// <summary>
    /// How long a redemption may stay between its steps before the recovery job takes it over. Far longer than a
    /// request takes; a request that is still running then finds the job's decision and answers it.
    /// </summary>
    public TimeSpan RecoverAfter { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// Finishes redemptions a crash left between their steps: a <c>Pending</c> one is completed if Members holds its
/// debit, and released otherwise; a <c>Cancelling</c> one gets its refund. Every step is idempotent, so a second run,
/// or another node, changes nothing more.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class RecoverInterruptedRedemptionsJob(
    RewardsDbContext db, RewardRedemptions redemptions, TimeProvider clock, IOptions<RedemptionOptions> options, ILogger<RecoverInterruptedRedemptionsJob> logger) : IJob
{
    public const int BatchSize = 100;

    public static readonly JobKey Key = new(nameof(RecoverInterruptedRedemptionsJob), RewardsDbContext.SchemaName);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow() - options.Value.RecoverAfter;
        var stale = await db.Redemptions.AsNoTracking()
            .Where(r => (r.Status == RedemptionStatus.Pending && r.ReservedAt < before) || (r.Status == RedemptionStatus.Cancelling && r.CancelledAt < before))
            .OrderBy(r => r.Id)
            .Select(r => r.Id)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        var recovered = 0;
        foreach (var id in stale)
        {
            db.ChangeTracker.Clear();
            try
            {
                var redemption = await db.Redemptions.SingleAsync(r => r.Id == id, cancellationToken);
                await redemptions.RecoverAsync(redemption, cancellationToken);
                recovered++;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // One that keeps failing must not hold up the others; the next run tries it again.
                logger.LogError("Could not recover redemption {Redemption}: {Exception}", id, exception.GetType().Name);
            }
        }

        if (stale.Count > 0)
        {
            logger.LogWarning("Recovered {Recovered} of {Stale} interrupted redemptions", recovered, stale.Count);
        }
    }
}
