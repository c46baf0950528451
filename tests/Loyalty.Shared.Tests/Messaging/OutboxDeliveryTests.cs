using Loyalty.Shared.Messaging;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Loyalty.Shared.Tests.Messaging;

public sealed class OutboxDeliveryTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_event_committed_before_a_crash_is_delivered_once_after_restart(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Guid eventId;
        await using (var crashed = await OutboxNode.StartAsync(database, _clock))
        {
            eventId = await PlaceOrderAsync(crashed);
        }

        await using var restarted = await OutboxNode.StartAsync(database, _clock);
        Assert.Equal(1, await restarted.DispatchAsync());
        Assert.Equal(0, await restarted.DispatchAsync());

        Assert.Equal(1, await HandledCountAsync(restarted, eventId, nameof(RecordOrderOnOrderPlaced)));
        Assert.Equal(OutboxMessageStatus.Delivered, (await OutboxMessageAsync(restarted, eventId)).Status);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_redelivery_after_a_crash_before_the_delivered_mark_is_dropped_by_the_inbox(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Guid eventId;
        await using (var node = await OutboxNode.StartAsync(database, _clock))
        {
            eventId = await PlaceOrderAsync(node);
            await node.DispatchAsync();
            // The handler committed, but the node died before marking the message delivered.
            await node.WithAsync<PublisherDbContext, int>(db => db.OutboxMessages
                .Where(m => m.Id == eventId)
                .ExecuteUpdateAsync(set => set.SetProperty(m => m.Status, OutboxMessageStatus.Pending).SetProperty(m => m.DeliveredAt, (DateTimeOffset?)null)));
        }

        await using var restarted = await OutboxNode.StartAsync(database, _clock);
        Assert.Equal(1, await restarted.DispatchAsync());

        Assert.Equal(1, await HandledCountAsync(restarted, eventId, nameof(RecordOrderOnOrderPlaced)));
        Assert.Equal(OutboxMessageStatus.Delivered, (await OutboxMessageAsync(restarted, eventId)).Status);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_rolled_back_state_change_publishes_nothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var node = await OutboxNode.StartAsync(database, _clock);

        await node.WithAsync<PublisherDbContext, bool>(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var orderId = Guid.NewGuid();
            db.Orders.Add(new Order { Id = orderId });
            db.Publish(new OrderPlaced(Guid.NewGuid(), _clock.GetUtcNow(), orderId));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
            return true;
        });

        Assert.Equal(0, await node.DispatchAsync());
        Assert.Equal(0, await node.WithAsync<PublisherDbContext, int>(db => db.OutboxMessages.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_failing_handler_is_retried_with_growing_delays_then_dead_lettered(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var node = await OutboxNode.StartAsync(database, _clock, maxAttempts: 3);
        node.Failures.RecordOrder = int.MaxValue;
        var eventId = await PlaceOrderAsync(node);

        Assert.Equal(1, await node.DispatchAsync());
        var first = await OutboxMessageAsync(node, eventId);
        Assert.Equal((OutboxMessageStatus.Pending, 1), (first.Status, first.Attempts));
        Assert.Equal(_clock.GetUtcNow().AddSeconds(10), first.NextAttemptAt);

        Assert.Equal(0, await node.DispatchAsync());

        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await node.DispatchAsync());
        Assert.Equal(_clock.GetUtcNow().AddSeconds(20), (await OutboxMessageAsync(node, eventId)).NextAttemptAt);

        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(1, await node.DispatchAsync());
        var dead = await OutboxMessageAsync(node, eventId);
        Assert.Equal((OutboxMessageStatus.DeadLettered, 3), (dead.Status, dead.Attempts));
        Assert.Contains(nameof(RecordOrderOnOrderPlaced), dead.LastError, StringComparison.Ordinal);
        Assert.Contains("record store unavailable", dead.LastError, StringComparison.Ordinal);

        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await node.DispatchAsync());
        Assert.Equal(0, await HandledCountAsync(node, eventId, nameof(RecordOrderOnOrderPlaced)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task When_one_handler_fails_the_retry_does_not_repeat_the_handler_that_succeeded(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var node = await OutboxNode.StartAsync(database, _clock, withWarehouse: true);
        node.Failures.NotifyWarehouse = 1;
        var eventId = await PlaceOrderAsync(node);

        await node.DispatchAsync();
        Assert.Equal(1, await HandledCountAsync(node, eventId, nameof(RecordOrderOnOrderPlaced)));
        Assert.Equal(0, await HandledCountAsync(node, eventId, nameof(NotifyWarehouseOnOrderPlaced)));

        _clock.Advance(TimeSpan.FromSeconds(10));
        await node.DispatchAsync();

        Assert.Equal(1, await HandledCountAsync(node, eventId, nameof(RecordOrderOnOrderPlaced)));
        Assert.Equal(1, await HandledCountAsync(node, eventId, nameof(NotifyWarehouseOnOrderPlaced)));
        Assert.Equal(OutboxMessageStatus.Delivered, (await OutboxMessageAsync(node, eventId)).Status);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_message_claimed_by_another_node_waits_until_that_claim_runs_out(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var node = await OutboxNode.StartAsync(database, _clock);
        var eventId = await PlaceOrderAsync(node);
        var claimedUntil = _clock.GetUtcNow().AddMinutes(2);
        await node.WithAsync<PublisherDbContext, int>(db => db.OutboxMessages
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.LockedUntil, claimedUntil).SetProperty(m => m.LockedBy, "other-node")));

        Assert.Equal(0, await node.DispatchAsync());

        _clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(1, await node.DispatchAsync());
        Assert.Equal(1, await HandledCountAsync(node, eventId, nameof(RecordOrderOnOrderPlaced)));
    }

    private async Task<Guid> PlaceOrderAsync(OutboxNode node) =>
        await node.WithAsync<PublisherDbContext, Guid>(async db =>
        {
            var orderId = Guid.NewGuid();
            var placed = new OrderPlaced(Guid.NewGuid(), _clock.GetUtcNow(), orderId);
            db.Orders.Add(new Order { Id = orderId });
            db.Publish(placed);
            await db.SaveChangesAsync();
            return placed.EventId;
        });

    private static Task<int> HandledCountAsync(OutboxNode node, Guid eventId, string handler) =>
        node.WithAsync<SubscriberDbContext, int>(db => db.HandledEvents.CountAsync(h => h.EventId == eventId && h.Handler == handler));

    private static Task<OutboxMessage> OutboxMessageAsync(OutboxNode node, Guid eventId) =>
        node.WithAsync<PublisherDbContext, OutboxMessage>(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == eventId));
}
