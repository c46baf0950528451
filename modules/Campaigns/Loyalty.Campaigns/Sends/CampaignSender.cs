using Loyalty.Campaigns.Messaging;
using Loyalty.Campaigns.Persistence;
using Loyalty.Campaigns.Contracts;
using Loyalty.Consent.Contracts;
using Loyalty.Members.Contracts;
using Loyalty.Rewards.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.Campaigns.Sends;

/// <summary>
/// Sends due campaigns, resumably. A run claims a campaign (so one node sends it), reads its audience page by page into
/// send records (each page and the cursor in one transaction), then hands the queued records to the channel one by
/// one: consent, member state, frequency cap, voucher and template are checked for each at that moment. A record is
/// marked <see cref="MessageStatus.Sending"/> before its hand-over and with the outcome after it, so a run stopped at
/// any point is continued by the next without a repeat; the one record a crash leaves in <c>Sending</c> is not sent again.
/// </summary>
internal sealed class CampaignSender(
    CampaignsDbContext db, ILoyaltyPrograms programs, IMessageRecipients members, ISegmentMembership segments, IServiceProvider services, IVoucherIssuer vouchers, ChannelSessions channels,
    MessageLinks links, IOptions<MessagingOptions> options, TimeProvider clock, ILogger<CampaignSender> logger)
{
    private static readonly string Node = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Sends every due campaign until it is done, in quiet hours, cancelled, or <paramref name="stop"/> is requested.</summary>
    public async Task SendDueAsync(CancellationToken stop)
    {
        await StartOccurrencesAsync(stop);
        var now = clock.GetUtcNow();
        var due = await db.Campaigns.AsNoTracking().IgnoreAutoIncludes()
            .Where(c => (c.Status == CampaignStatus.Scheduled && c.ScheduledAt <= now) || c.Status == CampaignStatus.Sending
                || (c.Status == CampaignStatus.Active && c.Trigger != null
                    && db.CampaignMessages.Any(m => m.CampaignId == c.Id && (m.Status == MessageStatus.Queued || m.Status == MessageStatus.Sending))))
            .Where(c => c.LockedUntil == null || c.LockedUntil < now)
            .OrderBy(c => c.ScheduledAt)
            .Select(c => c.Id)
            .ToListAsync(stop);
        foreach (var id in due)
        {
            if (stop.IsCancellationRequested)
            {
                return;
            }

            if (await ClaimAsync(id))
            {
                try
                {
                    await SendAsync(id, stop);
                }
                finally
                {
                    await db.Campaigns.Where(c => c.Id == id && c.LockedBy == Node)
                        .ExecuteUpdateAsync(set => set.SetProperty(c => c.LockedUntil, (DateTimeOffset?)null).SetProperty(c => c.LockedBy, (string?)null), CancellationToken.None);
                }
            }
        }
    }

    /// <summary>
    /// Starts each due occurrence of the active recurring campaigns as a campaign of its own, scheduled at the
    /// occurrence's time and sent like a one-off one (its audience, consent and cap read when it sends). Moving the
    /// recurring campaign's next occurrence on and adding the occurrence are one transaction, conditional on the
    /// occurrence it started from, so two nodes never start the same occurrence twice. Occurrences missed while no node
    /// ran are started once, not each: the next occurrence is the first after now.
    /// </summary>
    private async Task StartOccurrencesAsync(CancellationToken stop)
    {
        var now = clock.GetUtcNow();
        var due = await db.Campaigns.AsNoTracking()
            .Where(c => c.Status == CampaignStatus.Active && c.Recurrence != null && c.NextOccurrenceAt <= now)
            .ToListAsync(stop);
        foreach (var recurring in due)
        {
            var program = await programs.FindAsync(recurring.Program, stop);
            if (program is null || stop.IsCancellationRequested)
            {
                continue;
            }

            var occurrence = recurring.NextOccurrenceAt!.Value;
            var next = CampaignRecurrence.NextAfter(recurring.Recurrence!, program.TimeZone, now);
            var status = next is null ? CampaignStatus.Completed : CampaignStatus.Active;
            DateTimeOffset? completedAt = next is null ? now : null;
            await using var transaction = await db.Database.BeginTransactionAsync(stop);
            if (await db.Campaigns.Where(c => c.Id == recurring.Id && c.Status == CampaignStatus.Active && c.NextOccurrenceAt == occurrence)
                    .ExecuteUpdateAsync(set => set.SetProperty(c => c.NextOccurrenceAt, next).SetProperty(c => c.Status, status)
                        .SetProperty(c => c.CompletedAt, completedAt), stop) == 0)
            {
                continue;
            }

            var id = Guid.CreateVersion7(now);
            db.Campaigns.Add(new Campaign
            {
                Id = id,
                ParentId = recurring.Id,
                Program = recurring.Program,
                Name = recurring.Name,
                Channel = recurring.Channel,
                Purpose = recurring.Purpose,
                ConsentChannel = recurring.ConsentChannel,
                Segment = recurring.Segment,
                DefaultLocale = recurring.DefaultLocale,
                Contents = recurring.Contents.Select(c => new CampaignContent { CampaignId = id, Locale = c.Locale, Subject = c.Subject, Body = c.Body }).ToList(),
                VoucherTemplateId = recurring.VoucherTemplateId,
                TrackOpens = recurring.TrackOpens,
                TrackClicks = recurring.TrackClicks,
                HoldOutPercent = recurring.HoldOutPercent,
                Status = CampaignStatus.Scheduled,
                ScheduledAt = occurrence,
                CreatedAt = now,
            });
            await db.SaveChangesAsync(stop);
            await transaction.CommitAsync(stop);
            db.ChangeTracker.Clear();
            logger.LogInformation("Recurring campaign {CampaignId} started occurrence {OccurrenceId} of {OccurrenceAt}", recurring.Id, id, occurrence);
        }
    }

    private async Task<bool> ClaimAsync(Guid id)
    {
        var now = clock.GetUtcNow();
        return await db.Campaigns
            .Where(c => c.Id == id && (c.LockedUntil == null || c.LockedUntil < now)
                && ((c.Status == CampaignStatus.Scheduled && c.ScheduledAt <= now) || c.Status == CampaignStatus.Sending
                    || (c.Status == CampaignStatus.Active && c.Trigger != null)))
            .ExecuteUpdateAsync(set => set
                .SetProperty(c => c.LockedUntil, now + options.Value.ClaimDuration)
                .SetProperty(c => c.LockedBy, Node)
                // A triggered campaign stays active while it sends what its events queued.
                .SetProperty(c => c.Status, c => c.Trigger != null ? c.Status : CampaignStatus.Sending)
                .SetProperty(c => c.StartedAt, c => c.StartedAt ?? now)) == 1;
    }

    private Task<int> ExtendClaimAsync(Guid id)
    {
        var until = clock.GetUtcNow() + options.Value.ClaimDuration;
        return db.Campaigns.Where(c => c.Id == id && c.LockedBy == Node).ExecuteUpdateAsync(set => set.SetProperty(c => c.LockedUntil, until));
    }

    private async Task SendAsync(Guid id, CancellationToken stop)
    {
        var campaign = await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == id, stop);
        if ((options.Value.Problem() ?? channels.Problem(campaign.Channel)) is { } problem)
        {
            logger.LogError("Campaign {CampaignId} cannot send: {Problem}", id, problem);
            return;
        }

        var program = await programs.FindAsync(campaign.Program, stop);
        if (program is null)
        {
            return;
        }

        var settings = await db.MessagingSettings.AsNoTracking().SingleOrDefaultAsync(s => s.Program == campaign.Program, stop) ?? new MessagingSettings { Program = campaign.Program };
        var batchSize = Math.Max(1, options.Value.BatchSize);
        await ReadAudienceAsync(campaign, batchSize, stop);
        if (!campaign.AudienceComplete)
        {
            return;
        }

        // Only this node holds the claim, so a record still Sending was left by a node that stopped mid hand-over.
        await db.CampaignMessages.Where(m => m.CampaignId == id && m.Status == MessageStatus.Sending)
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.Status, MessageStatus.Interrupted)
                .SetProperty(m => m.Reason, "The sending node stopped during the hand-over; not sent again so that nobody gets it twice."), stop);
        var templates = campaign.Contents.ToDictionary(c => c.Locale, c => (Subject: MessageTemplate.Parse(c.Subject), Body: MessageTemplate.Parse(c.Body)));
        await using var session = channels.Open(campaign.Channel);
        var sent = 0;
        var sending = campaign.Trigger is null ? CampaignStatus.Sending : CampaignStatus.Active;
        while (!stop.IsCancellationRequested)
        {
            if (settings.IsQuiet(clock.GetUtcNow(), program.TimeZone)
                || await db.Campaigns.AnyAsync(c => c.Id == id && c.Status != sending, stop))
            {
                break;
            }

            var batch = await db.CampaignMessages.AsNoTracking()
                .Where(m => m.CampaignId == id && m.Status == MessageStatus.Queued)
                .OrderBy(m => m.MemberId)
                .Take(batchSize)
                .Select(m => new { m.Id, m.MemberId })
                .ToListAsync(stop);
            if (batch.Count == 0 && campaign.Trigger is not null)
            {
                break;
            }

            if (batch.Count == 0)
            {
                var now = clock.GetUtcNow();
                await db.Campaigns.Where(c => c.Id == id && c.Status == CampaignStatus.Sending)
                    .ExecuteUpdateAsync(set => set.SetProperty(c => c.Status, CampaignStatus.Completed).SetProperty(c => c.CompletedAt, now), stop);
                logger.LogInformation("Campaign {CampaignId} completed", id);
                break;
            }

            var memberIds = batch.Select(m => m.MemberId).ToList();
            // Resolved at use: the gate is the Consent module's registration, not this module's.
            var allowed = await services.GetRequiredService<IConsentGate>().WhoMayBeContactedAsync(memberIds, campaign.Purpose, campaign.ConsentChannel, stop);
            var recipients = (await members.FindAsync(campaign.Program, memberIds, stop)).ToDictionary(r => r.Id);
            var since = clock.GetUtcNow().AddDays(-settings.CapDays);
            var recent = await db.CampaignMessages.AsNoTracking()
                .Where(m => m.Program == campaign.Program && m.Channel == campaign.Channel && m.Status == MessageStatus.Sent
                    && m.SentAt >= since && memberIds.Contains(m.MemberId))
                .GroupBy(m => m.MemberId)
                .Select(g => new { MemberId = g.Key, Count = g.Count() })
                .ToDictionaryAsync(g => g.MemberId, g => g.Count, stop);
            foreach (var message in batch)
            {
                if (stop.IsCancellationRequested)
                {
                    break;
                }

                var decision = await DecideAsync(campaign, program, templates, message.Id, message.MemberId, allowed, recipients.GetValueOrDefault(message.MemberId),
                    recent.GetValueOrDefault(message.MemberId), settings.CapMessages, stop);
                if (decision.Message is null)
                {
                    await db.CampaignMessages.Where(m => m.Id == message.Id && m.Status == MessageStatus.Queued)
                        .ExecuteUpdateAsync(set => set.SetProperty(m => m.Status, decision.Status).SetProperty(m => m.Reason, decision.Reason), stop);
                    continue;
                }

                var outgoing = decision.Message;
                if (await db.CampaignMessages.Where(m => m.Id == message.Id && m.Status == MessageStatus.Queued)
                        .ExecuteUpdateAsync(set => set.SetProperty(m => m.Status, MessageStatus.Sending)
                            .SetProperty(m => m.Address, outgoing.Address).SetProperty(m => m.Locale, outgoing.Locale), stop) == 0)
                {
                    continue;
                }

                // Once handed over, the outcome is recorded even when stopping: the hand-over takes seconds at most.
                var delivery = await session.DeliverAsync(outgoing, CancellationToken.None);
                var status = delivery.Outcome switch
                {
                    DeliveryOutcome.Sent => MessageStatus.Sent,
                    DeliveryOutcome.Bounced => MessageStatus.Bounced,
                    _ => MessageStatus.Failed,
                };
                var at = clock.GetUtcNow();
                await db.CampaignMessages.Where(m => m.Id == message.Id)
                    .ExecuteUpdateAsync(set => set.SetProperty(m => m.Status, status).SetProperty(m => m.Reason, delivery.Reason)
                        .SetProperty(m => m.Attempts, delivery.Attempts).SetProperty(m => m.SentAt, at), CancellationToken.None);
                if (status == MessageStatus.Sent)
                {
                    recent[message.MemberId] = recent.GetValueOrDefault(message.MemberId) + 1;
                    sent++;
                }
            }

            await ExtendClaimAsync(id);
        }

        logger.LogInformation("Campaign {CampaignId}: {Sent} messages sent in this run", id, sent);
    }

    private async Task ReadAudienceAsync(Campaign campaign, int batchSize, CancellationToken stop)
    {
        while (!campaign.AudienceComplete && !stop.IsCancellationRequested)
        {
            var page = await AudiencePageAsync(campaign, batchSize, stop);
            var now = clock.GetUtcNow();
            await using var transaction = await db.Database.BeginTransactionAsync(stop);
            // Occurrences of a recurring campaign hold out the same members: the group is the recurring campaign's.
            var holdOutBy = campaign.ParentId ?? campaign.Id;
            db.CampaignMessages.AddRange(page.Select(memberId =>
            {
                var heldOut = HoldOut.IsHeldOut(holdOutBy, memberId, campaign.HoldOutPercent);
                return new CampaignMessage
                {
                    Id = Guid.CreateVersion7(now),
                    CampaignId = campaign.Id,
                    Program = campaign.Program,
                    MemberId = memberId,
                    Channel = campaign.Channel,
                    Status = heldOut ? MessageStatus.HeldOut : MessageStatus.Queued,
                    Reason = heldOut ? HoldOut.Reason : null,
                    QueuedAt = now,
                };
            }));
            await db.SaveChangesAsync(stop);
            db.ChangeTracker.Clear();
            campaign.AudienceCursor = page.Count > 0 ? page[^1] : campaign.AudienceCursor;
            campaign.AudienceComplete = page.Count < batchSize;
            await db.Campaigns.Where(c => c.Id == campaign.Id)
                .ExecuteUpdateAsync(set => set.SetProperty(c => c.AudienceCursor, campaign.AudienceCursor).SetProperty(c => c.AudienceComplete, campaign.AudienceComplete), stop);
            await transaction.CommitAsync(stop);
            await ExtendClaimAsync(campaign.Id);
        }
    }

    /// <summary>
    /// The next page of the audience after the cursor, by member id: the program's active members, or the segment's
    /// members as last evaluated (a member no longer active is then skipped with a reason when the message is decided).
    /// </summary>
    private Task<IReadOnlyList<Guid>> AudiencePageAsync(Campaign campaign, int take, CancellationToken stop) => campaign.Segment is null
        ? members.ActiveMembersAsync(campaign.Program, campaign.AudienceCursor, take, stop)
        : segments.MembersOfAsync(campaign.Program, campaign.Segment, campaign.AudienceCursor, take, stop);

    private async Task<Decision> DecideAsync(
        Campaign campaign, LoyaltyProgramDto program, Dictionary<string, (MessageTemplate Subject, MessageTemplate Body)> templates, Guid messageId, Guid memberId,
        IReadOnlySet<Guid> allowed, MessageRecipient? recipient, int recentlySent, int cap, CancellationToken stop)
    {
        if (!allowed.Contains(memberId))
        {
            return Decision.Not(MessageStatus.NoConsent, $"No valid {campaign.Purpose} consent on {campaign.ConsentChannel} at send time.");
        }

        if (recipient is not { Status: "active" })
        {
            return Decision.Not(MessageStatus.Skipped, "The member is no longer active.");
        }

        var address = campaign.Channel == CampaignChannel.Email ? recipient.Email : recipient.Phone;
        if (string.IsNullOrWhiteSpace(address))
        {
            return Decision.Not(MessageStatus.Skipped, campaign.Channel == CampaignChannel.Email ? "The member has no email address." : "The member has no phone number.");
        }

        if (recentlySent >= cap)
        {
            return Decision.Not(MessageStatus.Capped, $"The program's cap of {cap} messages was reached.");
        }

        var content = campaign.ContentFor(recipient.Locale);
        var template = templates[content.Locale];
        var unsubscribe = links.Unsubscribe(messageId);
        (string Code, DateTimeOffset? ExpiresAt)? placeholder = campaign.VoucherTemplateId is null ? null : ("CODE", null);
        // Rendered before a voucher is issued, so a template that cannot render for this member costs no voucher.
        // Without a voucher this is the message itself; with one it is rendered again with the issued code.
        var rendered = Render(template, MessageTemplate.Model(program, recipient, placeholder, unsubscribe), content.Locale);
        if (rendered.Error is { } early)
        {
            return Decision.Not(MessageStatus.Skipped, early);
        }

        if (campaign.VoucherTemplateId is { } voucherTemplate)
        {
            // A triggered campaign sends a member a message per occurrence, each with a voucher of its own.
            var reference = campaign.Trigger is null ? $"campaign:{campaign.Id:N}:member:{memberId:N}" : $"campaign:{campaign.Id:N}:message:{messageId:N}";
            var issue = await vouchers.IssueAsync(campaign.Program, memberId, voucherTemplate, reference, stop);
            if (issue.Code is null || issue.Outcome is not (VoucherIssueOutcome.Issued or VoucherIssueOutcome.AlreadyIssued))
            {
                return Decision.Not(MessageStatus.Skipped, $"The voucher could not be issued ({issue.Outcome}).");
            }

            rendered = Render(template, MessageTemplate.Model(program, recipient, (issue.Code, issue.ExpiresAt), unsubscribe), content.Locale);
            if (rendered.Error is { } error)
            {
                return Decision.Not(MessageStatus.Skipped, error);
            }
        }

        var body = rendered.Body!;
        if (campaign.Channel == CampaignChannel.Email)
        {
            body = campaign.TrackClicks ? links.TrackClicks(messageId, body, unsubscribe) : body;
            body = campaign.TrackOpens ? $"{body}<img src=\"{links.OpenPixel(messageId)}\" width=\"1\" height=\"1\" alt=\"\">" : body;
        }

        return new Decision(MessageStatus.Queued, null,
            new OutgoingMessage(messageId, campaign.Id, memberId, address, content.Locale, rendered.Subject!, body, unsubscribe));
    }

    public static (string? Subject, string? Body, string? Error) Render((MessageTemplate Subject, MessageTemplate Body) template, Scriban.Runtime.ScriptObject model, string locale)
    {
        var subject = template.Subject.Render(model);
        if (subject.Error is { } subjectError)
        {
            return (null, null, $"Template {locale} subject, line {subjectError.Line}, column {subjectError.Column}: {subjectError.Message}");
        }

        var body = template.Body.Render(model);
        return body.Error is { } bodyError
            ? (null, null, $"Template {locale} body, line {bodyError.Line}, column {bodyError.Column}: {bodyError.Message}")
            : (subject.Text, body.Text, null);
    }

    private sealed record Decision(MessageStatus Status, string? Reason, OutgoingMessage? Message)
    {
        public static Decision Not(MessageStatus status, string reason) => new(status, reason.Length > 500 ? reason[..500] : reason, null);
    }
}
