using Loyalty.Campaigns.Persistence;
using Quartz;

namespace Loyalty.Campaigns.Segments;

/// <summary>
/// Every minute: evaluates the segments queued (created, changed or asked for on demand), taken over from a run cut
/// short, or due for their daily refresh, one after the other, until none is due.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class EvaluateSegmentsJob(SegmentEvaluator evaluator) : IJob
{
    public static readonly JobKey Key = new(nameof(EvaluateSegmentsJob), CampaignsDbContext.SchemaName);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        while (await evaluator.EvaluateNextAsync(cancellationToken))
        {
        }
    }
}
