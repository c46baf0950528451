using Loyalty.Campaigns.Activities;
using Loyalty.Campaigns.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Loyalty.Campaigns.Jobs;

/// <summary>
/// Records the activities the platform queued (<see cref="PendingActivity"/>) through the same path as one posted to
/// the API, and removes each from the queue once it has an answer. Recording is idempotent on the external id, so an
/// activity recorded before a crash and still queued is answered from its record the next time.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class RecordPendingActivitiesJob(CampaignsDbContext db, IServiceScopeFactory scopes, ILogger<RecordPendingActivitiesJob> logger) : IJob
{
    public static readonly JobKey Key = new(nameof(RecordPendingActivitiesJob), CampaignsDbContext.SchemaName);

    private const int BatchSize = 200;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var pending = await db.PendingActivities.AsNoTracking().OrderBy(p => p.QueuedAt).Take(BatchSize).ToListAsync(cancellationToken);
        int recorded = 0, failed = 0;
        foreach (var activity in pending)
        {
            try
            {
                // A scope per activity: one that fails leaves nothing behind in the next one's context.
                await using var scope = scopes.CreateAsyncScope();
                var outcome = await scope.ServiceProvider.GetRequiredService<ActivityRecorder>().RecordAsync(
                    activity.Program, new ActivityRequest(activity.ExternalId, activity.MemberId, activity.Type, activity.OccurredAt), cancellationToken);
                if (outcome is not ActivityOutcome.Recorded)
                {
                    LogNotRecorded(logger, activity.Id, outcome.GetType().Name);
                }

                await db.PendingActivities.Where(p => p.Id == activity.Id).ExecuteDeleteAsync(cancellationToken);
                recorded++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, activity.Id, e.GetType().Name);
                failed++;
            }
        }

        LogDone(logger, recorded, failed);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pending activity {ActivityId} was answered {Outcome} and leaves the queue.")]
    private static partial void LogNotRecorded(ILogger logger, Guid activityId, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pending activity {ActivityId} failed ({ExceptionType}); it stays queued.")]
    private static partial void LogFailed(ILogger logger, Guid activityId, string exceptionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pending activities: {Recorded} recorded, {Failed} failed")]
    private static partial void LogDone(ILogger logger, int recorded, int failed);
}
