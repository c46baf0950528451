using System.Text.Json;
using Loyalty.Shared.Contracts;
using Loyalty.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.Shared.Messaging;

/// <summary>
/// Delivers committed outbox messages of every module to the subscribed handlers, at least once:
/// a message is marked delivered only after every handler committed, so a crash before that redelivers it
/// and the handlers' inboxes drop the repeat. Failures retry with exponential backoff, then dead-letter.
/// </summary>
internal sealed class OutboxDispatcher(
    IServiceProvider services,
    IEnumerable<ModuleDbContextRegistration> moduleContexts,
    IEnumerable<IntegrationEventSubscription> subscriptions,
    IOptions<OutboxOptions> options,
    OutboxMetrics metrics,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private readonly string _node = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly ILookup<string, IntegrationEventSubscription> _subscriptions =
        subscriptions.ToLookup(s => s.EventTypeName);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.DispatchEnabled)
        {
            logger.LogInformation("Outbox dispatch is disabled on this node");
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var processed = 0;
            try
            {
                processed = await DispatchPendingAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop must survive a database outage and try again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                logger.LogError(ex, "Outbox dispatch round failed; retrying after the poll interval");
            }

            if (processed == 0)
            {
                try
                {
                    await Task.Delay(options.Value.PollInterval, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Processes the due messages of every module once. Returns how many messages were processed.</summary>
    public async Task<int> DispatchPendingAsync(CancellationToken cancellationToken)
    {
        var processed = 0;
        foreach (var moduleContext in moduleContexts)
        {
            processed += await DispatchModuleAsync(moduleContext, cancellationToken);
        }

        return processed;
    }

    private async Task<int> DispatchModuleAsync(ModuleDbContextRegistration moduleContext, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = (ModuleDbContext)scope.ServiceProvider.GetRequiredService(moduleContext.ServiceType);
        var now = clock.GetUtcNow();
        var due = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.Status == OutboxMessageStatus.Pending && m.NextAttemptAt <= now && (m.LockedUntil == null || m.LockedUntil < now))
            .OrderBy(m => m.OccurredAt)
            .Select(m => m.Id)
            .Take(options.Value.BatchSize)
            .ToListAsync(cancellationToken);

        var processed = 0;
        foreach (var id in due)
        {
            if (!await TryClaimAsync(db, id, cancellationToken))
            {
                continue;
            }

            var message = await db.OutboxMessages.SingleAsync(m => m.Id == id, cancellationToken);
            var failure = await DeliverAsync(message, cancellationToken);
            Record(moduleContext.Schema, message, failure);
            await db.SaveChangesAsync(cancellationToken);
            processed++;
        }

        return processed;
    }

    private async Task<bool> TryClaimAsync(ModuleDbContext db, Guid id, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var until = now + options.Value.ClaimDuration;
        var claimed = await db.OutboxMessages
            .Where(m => m.Id == id && m.Status == OutboxMessageStatus.Pending && (m.LockedUntil == null || m.LockedUntil < now))
            .ExecuteUpdateAsync(
                set => set.SetProperty(m => m.LockedUntil, until).SetProperty(m => m.LockedBy, _node),
                cancellationToken);
        return claimed == 1;
    }

    /// <summary>Calls every subscribed handler; returns the first failure, or null when all succeeded.</summary>
    private async Task<string?> DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        string? failure = null;
        foreach (var subscription in _subscriptions[message.EventType])
        {
            try
            {
                await HandleOnceAsync(subscription, message, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // A failing handler must not stop delivery to the others; it is retried.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                // The exception text may quote data; it goes to the outbox row for admins, the log gets types only.
                logger.LogWarning(
                    "Handler {Handler} failed on event {EventType} {EventId} with {ExceptionType}",
                    subscription.HandlerName, message.EventType, message.Id, ex.GetType().FullName);
                failure ??= $"{subscription.HandlerName}: {ex.GetType().FullName}: {ex.Message}";
            }
        }

        return failure;
    }

    private async Task HandleOnceAsync(IntegrationEventSubscription subscription, OutboxMessage message, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var handlerDb = (ModuleDbContext)scope.ServiceProvider.GetRequiredService(subscription.ModuleDbContextType);
        await using var transaction = await handlerDb.Database.BeginTransactionAsync(cancellationToken);
        var seen = await handlerDb.InboxMessages.AnyAsync(
            i => i.EventId == message.Id && i.Handler == subscription.HandlerName, cancellationToken);
        if (seen)
        {
            return;
        }

        var integrationEvent = (IntegrationEvent)JsonSerializer.Deserialize(
            message.Payload, subscription.EventType, OutboxExtensions.SerializerOptions)!;
        await subscription.Handle(scope.ServiceProvider, integrationEvent, cancellationToken);
        handlerDb.InboxMessages.Add(new InboxMessage
        {
            EventId = message.Id,
            Handler = subscription.HandlerName,
            ProcessedAt = clock.GetUtcNow(),
        });
        await handlerDb.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private void Record(string module, OutboxMessage message, string? failure)
    {
        var now = clock.GetUtcNow();
        message.LockedUntil = null;
        message.LockedBy = null;
        message.Attempts++;
        if (failure is null)
        {
            message.Status = OutboxMessageStatus.Delivered;
            message.DeliveredAt = now;
            metrics.Delivered(module, now - message.OccurredAt);
            return;
        }

        message.LastError = failure.Length > 4000 ? failure[..4000] : failure;
        if (message.Attempts >= options.Value.MaxAttempts)
        {
            message.Status = OutboxMessageStatus.DeadLettered;
            metrics.DeadLettered(module);
            logger.LogError("Event {EventType} {EventId} dead-lettered after {Attempts} attempts", message.EventType, message.Id, message.Attempts);
            return;
        }

        message.NextAttemptAt = now + RetryDelay(message.Attempts);
    }

    private TimeSpan RetryDelay(int attempts)
    {
        var delay = options.Value.FirstRetryDelay * Math.Pow(2, Math.Min(attempts - 1, 20));
        return delay < options.Value.MaxRetryDelay ? delay : options.Value.MaxRetryDelay;
    }
}
