using Loyalty.Connectors.Persistence;
using Loyalty.Connectors.Sync;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Contracts;
using Loyalty.Shared.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Connectors.Integration;

/// <summary>
/// Queues the member for every connection of its program that sends to the CRM: enrolments, profile edits, points
/// and tier changes all become one queued row per member and connection, which the next run sends.
/// </summary>
internal sealed class QueueOutboundChangeOnMemberEvents(ConnectorsDbContext db)
    : IIntegrationEventHandler<MemberEnrolled>, IIntegrationEventHandler<MemberUpdated>, IIntegrationEventHandler<PointsAccrued>,
        IIntegrationEventHandler<PointsRedeemed>, IIntegrationEventHandler<PointsReversed>, IIntegrationEventHandler<PointsExpired>,
        IIntegrationEventHandler<PointsRefunded>, IIntegrationEventHandler<TierChanged>
{
    public Task HandleAsync(MemberEnrolled integrationEvent, CancellationToken cancellationToken) => QueueAsync(integrationEvent, integrationEvent.ProgramId, integrationEvent.MemberId, cancellationToken);

    public Task HandleAsync(MemberUpdated integrationEvent, CancellationToken cancellationToken) => QueueAsync(integrationEvent, integrationEvent.ProgramId, integrationEvent.MemberId, cancellationToken);

    public Task HandleAsync(PointsAccrued integrationEvent, CancellationToken cancellationToken) => QueueAsync(integrationEvent, integrationEvent.ProgramId, integrationEvent.MemberId, cancellationToken);

    public Task HandleAsync(PointsRedeemed integrationEvent, CancellationToken cancellationToken) => QueueAsync(integrationEvent, integrationEvent.ProgramId, integrationEvent.MemberId, cancellationToken);

    public Task HandleAsync(PointsReversed integrationEvent, CancellationToken cancellationToken) => QueueAsync(integrationEvent, integrationEvent.ProgramId, integrationEvent.MemberId, cancellationToken);

    public Task HandleAsync(PointsExpired integrationEvent, CancellationToken cancellationToken) => QueueAsync(integrationEvent, integrationEvent.ProgramId, integrationEvent.MemberId, cancellationToken);

    public Task HandleAsync(PointsRefunded integrationEvent, CancellationToken cancellationToken) => QueueAsync(integrationEvent, integrationEvent.ProgramId, integrationEvent.MemberId, cancellationToken);

    public Task HandleAsync(TierChanged integrationEvent, CancellationToken cancellationToken) => QueueAsync(integrationEvent, integrationEvent.ProgramId, integrationEvent.MemberId, cancellationToken);

    private async Task QueueAsync(IntegrationEvent integrationEvent, Guid programId, Guid memberId, CancellationToken cancellationToken)
    {
        var setups = await db.SyncSetups.AsNoTracking().Where(s => s.ProgramId == programId).ToListAsync(cancellationToken);
        foreach (var setup in setups.Where(s => s.ParsedMappings().Any(m => !m.IsInbound)))
        {
            var existing = await db.OutboundChanges.SingleOrDefaultAsync(c => c.ConnectionId == setup.ConnectionId && c.MemberId == memberId, cancellationToken);
            OutboundQueue.Enqueue(db, existing, setup.ConnectionId, memberId, integrationEvent.OccurredAt);
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
