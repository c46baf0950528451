using Loyalty.Campaigns.EarningRules;
using Loyalty.Campaigns.Persistence;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Messaging;

namespace Loyalty.Campaigns.Integration;

/// <summary>
/// Queues the vouchers the rules of a recorded purchase grant. Members publishes <see cref="PointsAccrued"/> in the
/// purchase's own transaction, so a purchase that failed grants nothing; the inbox delivers each event once and the
/// grant's reference is unique, so a redelivery queues nothing twice.
/// </summary>
internal sealed class GrantVouchersOnPointsAccrued(CampaignsDbContext db, IActivityPoints members, TimeProvider clock)
    : IIntegrationEventHandler<PointsAccrued>
{
    public async Task HandleAsync(PointsAccrued integrationEvent, CancellationToken cancellationToken)
    {
        if (integrationEvent.ReferenceType != "transaction"
            || integrationEvent.Rules?.Any(r => r.VoucherRewardId is not null) != true
            || await members.ProgramCodeAsync(integrationEvent.ProgramId, cancellationToken) is not { } program)
        {
            return;
        }

        await PendingVoucherGrant.QueueAsync(
            db, program, integrationEvent.MemberId, integrationEvent.Rules,
            rule => PendingVoucherGrant.PurchaseReference(integrationEvent.ReferenceId, rule.RuleId, rule.Version), clock.GetUtcNow(), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }
}
