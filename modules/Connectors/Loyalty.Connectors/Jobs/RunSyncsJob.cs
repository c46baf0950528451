using Loyalty.Connectors.Persistence;
using Loyalty.Connectors.Sync;
using Quartz;

namespace Loyalty.Connectors.Jobs;

/// <summary>
/// Queues a run for every connection whose interval has passed and runs the queued ones, including those asked for by
/// hand (which trigger this job at once). Schedules and cursors live in the connections' own rows, so they survive
/// restarts with Quartz's in-memory store.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class RunSyncsJob(SyncRunner runner) : IJob
{
    public static readonly JobKey Key = new(nameof(RunSyncsJob), ConnectorsDbContext.SchemaName);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await runner.QueueDueAsync(cancellationToken);
        await runner.RunQueuedAsync(cancellationToken);
    }
}
