using Loyalty.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Loyalty.Shared.Http;

/// <summary>Deletes the idempotency records of every module that are past their retention.</summary>
[DisallowConcurrentExecution]
internal sealed class PurgeExpiredIdempotencyRecordsJob(
    IServiceProvider services,
    IEnumerable<ModuleDbContextRegistration> moduleContexts,
    TimeProvider clock,
    ILogger<PurgeExpiredIdempotencyRecordsJob> logger) : IJob
{
    public static readonly JobKey Key = new(nameof(PurgeExpiredIdempotencyRecordsJob), "idempotency");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var moduleContext in moduleContexts)
        {
            await using var scope = services.CreateAsyncScope();
            var db = (ModuleDbContext)scope.ServiceProvider.GetRequiredService(moduleContext.ServiceType);
            var purged = await db.IdempotencyRecords
                .Where(r => r.ExpiresAt <= now)
                .ExecuteDeleteAsync(cancellationToken);
            logger.LogInformation("Purged {Count} expired idempotency records of {Module}", purged, moduleContext.Schema);
        }
    }

    internal static void Schedule(IQuartzBuilder quartz)
    {
        quartz.AddJob<PurgeExpiredIdempotencyRecordsJob>(job => job.WithIdentity(Key));
        quartz.AddTrigger<PurgeExpiredIdempotencyRecordsJob>(trigger => trigger
            .ForJob(Key)
            .WithIdentity($"{Key.Name}.nightly", Key.Group)
            .WithCronSchedule("0 45 3 * * ?"));
    }
}
