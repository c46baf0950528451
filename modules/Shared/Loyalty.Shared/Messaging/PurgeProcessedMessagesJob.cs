using Loyalty.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace Loyalty.Shared.Messaging;

/// <summary>Deletes delivered outbox messages and old inbox records of every module, past their retention.</summary>
[DisallowConcurrentExecution]
internal sealed class PurgeProcessedMessagesJob(
    IServiceProvider services,
    IEnumerable<ModuleDbContextRegistration> moduleContexts,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<PurgeProcessedMessagesJob> logger) : IJob
{
    public static readonly JobKey Key = new(nameof(PurgeProcessedMessagesJob), "outbox");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var deliveredBefore = now - options.Value.DeliveredRetention;
        var processedBefore = now - options.Value.InboxRetention;
        foreach (var moduleContext in moduleContexts)
        {
            await using var scope = services.CreateAsyncScope();
            var db = (ModuleDbContext)scope.ServiceProvider.GetRequiredService(moduleContext.ServiceType);
            var outbox = await db.OutboxMessages
                .Where(m => m.Status == OutboxMessageStatus.Delivered && m.DeliveredAt < deliveredBefore)
                .ExecuteDeleteAsync(cancellationToken);
            var inbox = await db.InboxMessages
                .Where(m => m.ProcessedAt < processedBefore)
                .ExecuteDeleteAsync(cancellationToken);
            logger.LogInformation("Purged {Outbox} outbox and {Inbox} inbox messages of {Module}", outbox, inbox, moduleContext.Schema);
        }
    }

    internal static void Schedule(IQuartzBuilder quartz)
    {
        quartz.AddJob<PurgeProcessedMessagesJob>(job => job.WithIdentity(Key));
        quartz.AddTrigger<PurgeProcessedMessagesJob>(trigger => trigger
            .ForJob(Key)
            .WithIdentity($"{Key.Name}.nightly", Key.Group)
            .WithCronSchedule("0 30 3 * * ?"));
    }
}
