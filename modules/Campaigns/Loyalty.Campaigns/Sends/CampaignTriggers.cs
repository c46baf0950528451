using Loyalty.Campaigns.Contracts;
using Loyalty.Campaigns.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Loyalty.Campaigns.Sends;

/// <summary>
/// Queues the message of each active triggered campaign of a program for one member and one occurrence of its
/// trigger (<c>birthday:2027</c>, <c>tier:{event}</c>). The send record is unique per (campaign, member, occurrence),
/// so a repeated event or a second run of the daily scan queues nothing twice; <see cref="CampaignSender"/> then sends
/// it like any other, with the consent gate, the cap, quiet hours and the template checked at send time. A campaign
/// with a segment takes only the segment's members (as last evaluated) at the time of the trigger.
/// </summary>
internal sealed class CampaignTriggers(CampaignsDbContext db, ISegmentMembership segments, TimeProvider clock, ILogger<CampaignTriggers> logger)
{
    /// <summary>The program's active campaigns with one of <paramref name="triggers"/>.</summary>
    public Task<List<Campaign>> ActiveAsync(string program, IReadOnlyCollection<CampaignTrigger> triggers, CancellationToken cancellationToken) =>
        db.Campaigns.AsNoTracking().IgnoreAutoIncludes()
            .Where(c => c.Program == program && c.Status == CampaignStatus.Active && c.Trigger != null && triggers.Contains(c.Trigger.Value))
            .ToListAsync(cancellationToken);

    /// <returns>How many messages were queued (or held out) now; 0 when every campaign had this occurrence already.</returns>
    public async Task<int> FireAsync(string program, CampaignTrigger trigger, Guid memberId, string occurrence, CancellationToken cancellationToken) =>
        await FireAsync(await ActiveAsync(program, [trigger], cancellationToken), memberId, occurrence, cancellationToken);

    public async Task<int> FireAsync(IReadOnlyList<Campaign> campaigns, Guid memberId, string occurrence, CancellationToken cancellationToken)
    {
        var queued = 0;
        foreach (var campaign in campaigns)
        {
            if (campaign.Segment is not null && !await segments.IsMemberAsync(campaign.Program, campaign.Segment, memberId, cancellationToken))
            {
                continue;
            }

            if (await db.CampaignMessages.AnyAsync(m => m.CampaignId == campaign.Id && m.MemberId == memberId && m.Occurrence == occurrence, cancellationToken))
            {
                continue;
            }

            var now = clock.GetUtcNow();
            var heldOut = HoldOut.IsHeldOut(campaign.Id, memberId, campaign.HoldOutPercent);
            db.CampaignMessages.Add(new CampaignMessage
            {
                Id = Guid.CreateVersion7(now),
                CampaignId = campaign.Id,
                Program = campaign.Program,
                MemberId = memberId,
                Occurrence = occurrence,
                Channel = campaign.Channel,
                Status = heldOut ? MessageStatus.HeldOut : MessageStatus.Queued,
                Reason = heldOut ? HoldOut.Reason : null,
                QueuedAt = now,
            });
            // One record at a time: a concurrent run that queued the same occurrence makes this one fail, and the
            // caller (an event handler or the scan) tries again and finds it.
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            queued++;
            logger.LogInformation("Triggered campaign {CampaignId} queued member {MemberId} for {Occurrence}", campaign.Id, memberId, occurrence);
        }

        return queued;
    }
}
