using System.Text.Json;
using Loyalty.Shared.Contracts;
using Loyalty.Shared.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Shared.Messaging;

public static class OutboxExtensions
{
    internal static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Queues an integration event in the module's outbox. It is written by the same <c>SaveChanges</c> as the state change
    /// it describes, and delivered after commit.
    /// </summary>
    public static void Publish(this ModuleDbContext db, IntegrationEvent integrationEvent)
    {
        db.OutboxMessages.Add(new OutboxMessage
        {
            Id = integrationEvent.EventId,
            EventType = IntegrationEventTypeName(integrationEvent.GetType()),
            Payload = JsonSerializer.Serialize(integrationEvent, integrationEvent.GetType(), SerializerOptions),
            OccurredAt = integrationEvent.OccurredAt,
            NextAttemptAt = integrationEvent.OccurredAt,
            Status = OutboxMessageStatus.Pending,
        });
    }

    /// <summary>Subscribes a handler, which lives in (and deduplicates through) the module DbContext <typeparamref name="TModuleDbContext"/>.</summary>
    public static IServiceCollection AddIntegrationEventHandler<TEvent, THandler, TModuleDbContext>(this IServiceCollection services)
        where TEvent : IntegrationEvent
        where THandler : class, IIntegrationEventHandler<TEvent>
        where TModuleDbContext : ModuleDbContext
    {
        services.AddScoped<THandler>();
        services.AddSingleton(new IntegrationEventSubscription(
            IntegrationEventTypeName(typeof(TEvent)),
            typeof(TEvent),
            typeof(THandler).FullName!,
            typeof(TModuleDbContext),
            (sp, e, ct) => sp.GetRequiredService<THandler>().HandleAsync((TEvent)e, ct)));
        return services;
    }

    internal static IServiceCollection AddOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.Section));
        services.AddMetrics();
        services.AddSingleton<OutboxMetrics>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        return services;
    }

    internal static string IntegrationEventTypeName(Type eventType) => eventType.FullName!;
}

/// <summary>One handler subscribed to one event type.</summary>
internal sealed record IntegrationEventSubscription(
    string EventTypeName,
    Type EventType,
    string HandlerName,
    Type ModuleDbContextType,
    Func<IServiceProvider, IntegrationEvent, CancellationToken, Task> Handle);
