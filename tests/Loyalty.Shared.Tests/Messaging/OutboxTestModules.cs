using Loyalty.Shared.Contracts;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Modules;
using Loyalty.Shared.Persistence;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Shared.Tests.Messaging;

// Two small modules, as a real pair would be: one publishes OrderPlaced with its state change,
// the other keeps a row per handled event, which shows how often its handler really ran.

public sealed record OrderPlaced(Guid EventId, DateTimeOffset OccurredAt, Guid OrderId) : IntegrationEvent(EventId, OccurredAt);

public sealed class Order
{
    public Guid Id { get; init; }
}

public sealed class HandledEvent
{
    public int Id { get; init; }

    public Guid EventId { get; init; }

    public required string Handler { get; init; }
}

public class PublisherDbContext(DbContextOptions options) : ModuleDbContext(options, "publisher")
{
    public DbSet<Order> Orders => Set<Order>();

    protected override void ConfigureModel(ModelBuilder modelBuilder) => modelBuilder.Entity<Order>().ToTable("Orders");
}

public sealed class SqlitePublisherDbContext(DbContextOptions<SqlitePublisherDbContext> o) : PublisherDbContext(o);

public sealed class PostgresPublisherDbContext(DbContextOptions<PostgresPublisherDbContext> o) : PublisherDbContext(o);

public sealed class SqlServerPublisherDbContext(DbContextOptions<SqlServerPublisherDbContext> o) : PublisherDbContext(o);

public class SubscriberDbContext(DbContextOptions options) : ModuleDbContext(options, "subscriber")
{
    public DbSet<HandledEvent> HandledEvents => Set<HandledEvent>();

    protected override void ConfigureModel(ModelBuilder modelBuilder) => modelBuilder.Entity<HandledEvent>().ToTable("HandledEvents");
}

public sealed class SqliteSubscriberDbContext(DbContextOptions<SqliteSubscriberDbContext> o) : SubscriberDbContext(o);

public sealed class PostgresSubscriberDbContext(DbContextOptions<PostgresSubscriberDbContext> o) : SubscriberDbContext(o);

public sealed class SqlServerSubscriberDbContext(DbContextOptions<SqlServerSubscriberDbContext> o) : SubscriberDbContext(o);

/// <summary>How many more times each handler fails before it succeeds; set by a test.</summary>
public sealed class HandlerFailures
{
    public int RecordOrder { get; set; }

    public int NotifyWarehouse { get; set; }
}

public sealed class RecordOrderOnOrderPlaced(SubscriberDbContext db, HandlerFailures failures) : IIntegrationEventHandler<OrderPlaced>
{
    public async Task HandleAsync(OrderPlaced integrationEvent, CancellationToken cancellationToken)
    {
        db.HandledEvents.Add(new HandledEvent { EventId = integrationEvent.EventId, Handler = nameof(RecordOrderOnOrderPlaced) });
        await db.SaveChangesAsync(cancellationToken);
        if (failures.RecordOrder-- > 0)
        {
            throw new InvalidOperationException("record store unavailable");
        }
    }
}

public sealed class NotifyWarehouseOnOrderPlaced(SubscriberDbContext db, HandlerFailures failures) : IIntegrationEventHandler<OrderPlaced>
{
    public async Task HandleAsync(OrderPlaced integrationEvent, CancellationToken cancellationToken)
    {
        if (failures.NotifyWarehouse-- > 0)
        {
            throw new InvalidOperationException("warehouse unavailable");
        }

        db.HandledEvents.Add(new HandledEvent { EventId = integrationEvent.EventId, Handler = nameof(NotifyWarehouseOnOrderPlaced) });
        await db.SaveChangesAsync(cancellationToken);
    }
}

public sealed class PublisherModule : LoyaltyModule
{
    public override string Name => "publisher";

    public override void AddServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddModuleDbContext<PublisherDbContext, SqlitePublisherDbContext, PostgresPublisherDbContext, SqlServerPublisherDbContext>(configuration, Name);

    public override void MapEndpoints(RouteGroupBuilder api)
    {
    }
}

public sealed class SubscriberModule(bool withWarehouse) : LoyaltyModule
{
    public override string Name => "subscriber";

    public override void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<SubscriberDbContext, SqliteSubscriberDbContext, PostgresSubscriberDbContext, SqlServerSubscriberDbContext>(configuration, Name);
        services.AddIntegrationEventHandler<OrderPlaced, RecordOrderOnOrderPlaced, SubscriberDbContext>();
        if (withWarehouse)
        {
            services.AddIntegrationEventHandler<OrderPlaced, NotifyWarehouseOnOrderPlaced, SubscriberDbContext>();
        }
    }

    public override void MapEndpoints(RouteGroupBuilder api)
    {
    }
}
