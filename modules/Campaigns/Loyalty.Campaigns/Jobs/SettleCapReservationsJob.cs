using Loyalty.Campaigns.EarningRules;
using Loyalty.Campaigns.Persistence;
using Loyalty.Members.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Loyalty.Campaigns.Jobs;

/// <summary>
/// Settles the cap reservations of purchases decided at least <see cref="SettleAfter"/> ago: kept (confirmed) where
/// Members recorded the purchase, given back to the counters where it did not (its transaction failed or was rolled
/// back). By then the deciding transaction has long ended, so the answer is final. Idempotent on any number of nodes.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class SettleCapReservationsJob(
    CampaignsDbContext db, CapReservations reservations, IRecordedPurchases purchases, TimeProvider clock, ILogger<SettleCapReservationsJob> logger) : IJob
{
    public static readonly JobKey Key = new(nameof(SettleCapReservationsJob), CampaignsDbContext.SchemaName);

    public static readonly TimeSpan SettleAfter = TimeSpan.FromMinutes(5);

    private const int BatchSize = 500;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow() - SettleAfter;
        int confirmed = 0, released = 0, count;
        do
        {
            var due = await db.CapReservations.AsNoTracking()
                .Where(r => !r.Confirmed && r.ReservedAt <= before)
                .OrderBy(r => r.ReservedAt)
                .Take(BatchSize)
                .Select(r => new { r.Id, r.ProgramId, r.ExternalId })
                .ToListAsync(cancellationToken);
            count = due.Count;
            foreach (var program in due.GroupBy(r => r.ProgramId))
            {
                var recorded = await purchases.RecordedAsync(program.Key, [.. program.Select(r => r.ExternalId).Distinct()], cancellationToken);
                var kept = program.Where(r => recorded.Contains(r.ExternalId)).Select(r => r.Id).ToList();
                confirmed += await db.CapReservations.Where(r => kept.Contains(r.Id))
                    .ExecuteUpdateAsync(set => set.SetProperty(r => r.Confirmed, true), cancellationToken);
                foreach (var reservation in program.Where(r => !recorded.Contains(r.ExternalId)))
                {
                    await reservations.ReleaseAsync(reservation.Id, cancellationToken);
                    released++;
                }
            }
        }
        while (count == BatchSize);

        logger.LogInformation("Cap reservations: {Confirmed} confirmed, {Released} given back", confirmed, released);
    }
}
