using Loyalty.Rewards.Persistence;
using Loyalty.Rewards.Vouchers;
using Quartz;

namespace Loyalty.Rewards.Jobs;

/// <summary>
/// Generates queued voucher batches and continues those a stopped node left unfinished. Creating a batch fires it at
/// once; its schedule picks up what a restart interrupted.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class GenerateVoucherBatchesJob(VoucherBatchGenerator generator) : IJob
{
    public static readonly JobKey Key = new(nameof(GenerateVoucherBatchesJob), RewardsDbContext.SchemaName);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await generator.GenerateDueAsync(cancellationToken);
}
