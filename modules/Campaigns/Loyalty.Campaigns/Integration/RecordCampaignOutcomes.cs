using Loyalty.Campaigns.Persistence;
using Loyalty.Campaigns.Sends;
using Loyalty.Members.Contracts;
using Loyalty.Rewards.Contracts;
using Loyalty.Shared.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.Integration;

/// <summary>Records points credited to a member who was sent, or held out of, a campaign message, for campaign statistics.</summary>
internal sealed class RecordCampaignOutcomeOnPointsAccrued(CampaignsDbContext db, IActivityPoints members) : IIntegrationEventHandler<PointsAccrued>
{
    public async Task HandleAsync(PointsAccrued integrationEvent, CancellationToken cancellationToken)
    {
        if (integrationEvent.Points > 0 && await members.ProgramCodeAsync(integrationEvent.ProgramId, cancellationToken) is { } program)
        {
            await CampaignOutcomeRecorder.RecordAsync(db, integrationEvent.EventId, program, integrationEvent.MemberId, OutcomeKind.PointsEarned,
                integrationEvent.Points, integrationEvent.OccurredAt, cancellationToken);
        }
    }
}

/// <summary>Records a voucher a member used at the point of sale, when they were sent, or held out of, a campaign message.</summary>
internal sealed class RecordCampaignOutcomeOnVoucherUsed(CampaignsDbContext db) : IIntegrationEventHandler<VoucherUsed>
{
    public async Task HandleAsync(VoucherUsed integrationEvent, CancellationToken cancellationToken)
    {
        if (integrationEvent.MemberId is { } member)
        {
            await CampaignOutcomeRecorder.RecordAsync(db, integrationEvent.EventId, integrationEvent.ProgramCode, member, OutcomeKind.VoucherRedeemed,
                1, integrationEvent.OccurredAt, cancellationToken);
        }
    }
}

internal static class CampaignOutcomeRecorder
{
    public static async Task RecordAsync(
        CampaignsDbContext db, Guid eventId, string program, Guid memberId, OutcomeKind kind, long amount, DateTimeOffset occurredAt, CancellationToken cancellationToken)
    {
        // Only the audiences of campaigns are compared: other members' points need no copy here.
        if (!await db.CampaignMessages.AnyAsync(m => m.Program == program && m.MemberId == memberId
                && (m.Status == MessageStatus.Sent || m.Status == MessageStatus.HeldOut), cancellationToken)
            || await db.CampaignOutcomes.AnyAsync(o => o.EventId == eventId, cancellationToken))
        {
            return;
        }

        db.CampaignOutcomes.Add(new CampaignOutcome { EventId = eventId, Program = program, MemberId = memberId, Kind = kind, Amount = amount, OccurredAt = occurredAt });
        await db.SaveChangesAsync(cancellationToken);
    }
}
