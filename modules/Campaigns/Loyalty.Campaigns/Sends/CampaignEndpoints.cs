using Loyalty.Campaigns.Messaging;
using Loyalty.Campaigns.Persistence;
using Loyalty.Consent.Contracts;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Loyalty.Campaigns.Sends;

internal sealed record ContentRequest(string? Locale, string? Subject, string? Body);

internal sealed record CampaignRequest(
    string? Name, string? Channel, string? Purpose, string? ConsentChannel, string? DefaultLocale, List<ContentRequest>? Contents,
    Guid? VoucherTemplateId, bool? TrackOpens, bool? TrackClicks, string? Segment, string? Recurrence = null,
    string? Trigger = null, int? TriggerDays = null, int? HoldOutPercent = null, int? TriggerThreshold = null);

internal sealed record ScheduleRequest(DateTimeOffset? At);

internal sealed record PreviewRequest(Guid? MemberId);

internal sealed record TestSendRequest(Guid? MemberId, string? Address);

internal sealed record ContentDto(string Locale, string Subject, string Body);

/// <param name="Sent">Accepted by the SMTP server or the webhook; <paramref name="Delivered"/> is the same less later bounces (none are read back yet).</param>
internal sealed record CampaignProgressDto(
    bool AudienceComplete, int Audience, int Queued, int Sent, int Delivered, int Failed, int Bounced, int NoConsent, int Capped, int Skipped,
    int Interrupted, int Opened, int Clicked, int Unsubscribed, int HeldOut);

/// <summary>What members did after they entered the audience: those sent the message against the hold-out group.</summary>
internal sealed record CampaignStatisticsDto(int HoldOutPercent, GroupOutcomeDto Recipients, GroupOutcomeDto HoldOut);

/// <param name="Members">Members sent the message (for recipients) or held out, counted once each.</param>
internal sealed record GroupOutcomeDto(int Members, long PointsEarned, decimal PointsPerMember, int VouchersRedeemed, decimal VouchersPerMember, int MembersWhoRedeemed);

internal sealed record CampaignDto(
    Guid Id, string Program, string Name, string Channel, string Purpose, string ConsentChannel, string DefaultLocale, IReadOnlyList<ContentDto> Contents,
    Guid? VoucherTemplateId, bool TrackOpens, bool TrackClicks, string? Segment, string Status, DateTimeOffset? ScheduledAt, DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, CampaignProgressDto? Progress, string? Recurrence, DateTimeOffset? NextOccurrenceAt, Guid? OccurrenceOf,
    string? Trigger, int? TriggerDays, int HoldOutPercent, int? TriggerThreshold);

internal sealed record MessageDto(Guid Id, Guid MemberId, string Status, string? Reason, string? Address, string? Locale, int Attempts,
    DateTimeOffset QueuedAt, DateTimeOffset? SentAt, DateTimeOffset? OpenedAt, DateTimeOffset? ClickedAt, DateTimeOffset? UnsubscribedAt);

internal sealed record MessagePage(IReadOnlyList<MessageDto> Items, Guid? Next);

internal sealed record PreviewDto(string Locale, string? Subject, string? Body, string? Error);

internal sealed record MessagingSettingsDto(int CapMessages, int CapDays, TimeOnly? QuietFrom, TimeOnly? QuietUntil);

internal static class CampaignEndpoints
{
    public static void MapCampaignEndpoints(this RouteGroupBuilder api)
    {
        var campaigns = api.MapGroup("/programs/{program}/campaigns");
        campaigns.MapGet("/", List).RequireAuthorization(Policies.ViewPrograms);
        campaigns.MapGet("/{id:guid}", Get).RequireAuthorization(Policies.ViewPrograms);
        campaigns.MapPost("/", Create).RequireAuthorization(Policies.ManagePrograms).WithIdempotencyKey<CampaignsDbContext>()
            .WithExample("Create an email campaign (as a draft)", Example);
        campaigns.MapPut("/{id:guid}", Update).RequireAuthorization(Policies.ManagePrograms)
            .WithExample("Change a draft or scheduled campaign", Example);
        campaigns.MapPost("/{id:guid}/schedule", Schedule).RequireAuthorization(Policies.ManagePrograms).WithIdempotencyKey<CampaignsDbContext>()
            .WithExample("Send the campaign once, at a time", new ScheduleRequest(new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero)));
        campaigns.MapPost("/{id:guid}/cancel", Cancel).RequireAuthorization(Policies.ManagePrograms).WithIdempotencyKey<CampaignsDbContext>()
            .WithSummary("Stop a scheduled or sending campaign; what was sent stays sent");
        campaigns.MapPost("/{id:guid}/pause", Pause).RequireAuthorization(Policies.ManagePrograms).WithIdempotencyKey<CampaignsDbContext>()
            .WithSummary("Pause a triggered campaign: it takes no events and sends nothing until scheduled again");
        campaigns.MapGet("/{id:guid}/statistics", Statistics).RequireAuthorization(Policies.ViewPrograms);
        campaigns.MapPost("/{id:guid}/preview", Preview).RequireAuthorization(Policies.ViewPrograms)
            .WithExample("Render the campaign for a member, issuing no voucher and sending nothing", new PreviewRequest(ExampleMember));
        campaigns.MapPost("/{id:guid}/test-send", TestSend).RequireAuthorization(Policies.ManagePrograms).WithIdempotencyKey<CampaignsDbContext>()
            .WithExample("Send the campaign rendered for a member to a test address", new TestSendRequest(ExampleMember, "marketing@shop.example"));
        campaigns.MapGet("/{id:guid}/messages", Messages).RequireAuthorization(Policies.SupportMembers);
        api.MapGet("/programs/{program}/messaging-settings", GetSettings).RequireAuthorization(Policies.ViewPrograms);
        api.MapPut("/programs/{program}/messaging-settings", PutSettings).RequireAuthorization(Policies.ManagePrograms)
            .WithExample("Set the frequency cap and quiet hours", new MessagingSettingsDto(2, 7, new TimeOnly(21, 0), new TimeOnly(8, 0)));
    }

    private static readonly Guid ExampleMember = Guid.Parse("0193a5d2-7a6e-7c41-9e43-3a1f9c2b5d10");

    private static readonly CampaignRequest Example = new(
        "November double points", "email", ConsentPurposes.EmailMarketing, ConsentChannels.Email, "en",
        [
            new("en", "{{ member.first_name ?? \"Hello\" }}, double points this week", "<p>You have {{ member.balance }} points.</p><p><a href=\"https://shop.example.com\">Shop now</a></p><p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a></p>"),
            new("de", "{{ member.first_name ?? \"Hallo\" }}, doppelte Punkte diese Woche", "<p>Sie haben {{ member.balance }} Punkte.</p><p><a href=\"{{ unsubscribe_url }}\">Abmelden</a></p>"),
        ],
        null, true, true, null);

    private static async Task<Ok<List<CampaignDto>>> List(string program, CampaignsDbContext db, CancellationToken cancellationToken)
    {
        var campaigns = await db.Campaigns.AsNoTracking().Where(c => c.Program == program).OrderByDescending(c => c.CreatedAt).Take(500).ToListAsync(cancellationToken);
        return TypedResults.Ok(campaigns.Select(c => Dto(c, null)).ToList());
    }

    private static async Task<Results<Ok<CampaignDto>, NotFound>> Get(string program, Guid id, CampaignsDbContext db, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Program == program && c.Id == id, cancellationToken);
        return campaign is null ? TypedResults.NotFound() : TypedResults.Ok(Dto(campaign, await ProgressAsync(db, campaign, cancellationToken)));
    }

    private static async Task<Results<Created<CampaignDto>, ValidationProblem, ProblemHttpResult>> Create(
        string program, CampaignRequest request, CampaignsDbContext db, ILoyaltyPrograms programs, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await programs.FindAsync(program, cancellationToken) is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown program", detail: $"There is no program '{program}'.");
        }

        var errors = await ValidateAsync(program, request, db, clock, cancellationToken);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var now = clock.GetUtcNow();
        var campaign = new Campaign
        {
            Id = Guid.CreateVersion7(now),
            Program = program,
            Name = "",
            Purpose = "",
            ConsentChannel = "",
            DefaultLocale = "",
            CreatedAt = now,
            Status = CampaignStatus.Draft,
        };
        Apply(campaign, request);
        db.Campaigns.Add(campaign);
        audit.Record(db, "campaigns.campaign.created", "campaign", campaign.Id.ToString(), new { program, campaign.Name });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/campaigns/programs/{program}/campaigns/{campaign.Id}", Dto(campaign, null));
    }

    private static async Task<Results<Ok<CampaignDto>, NotFound, ValidationProblem, ProblemHttpResult>> Update(
        string program, Guid id, CampaignRequest request, CampaignsDbContext db, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.SingleOrDefaultAsync(c => c.Program == program && c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return TypedResults.NotFound();
        }

        if (campaign.Status is not (CampaignStatus.Draft or CampaignStatus.Scheduled or CampaignStatus.Paused))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The campaign can no longer change", detail: $"It is {campaign.Status.ToString().ToLowerInvariant()}.");
        }

        var errors = await ValidateAsync(program, request, db, clock, cancellationToken);
        // The occurrences already sent were those of its trigger: a paused campaign keeps it (create another for another).
        errors.Check(campaign.Status != CampaignStatus.Paused || ParseTrigger(request.Trigger) == campaign.Trigger, "trigger",
            "A paused campaign keeps its trigger; cancel it and create another.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        db.RemoveRange(campaign.Contents);
        campaign.Contents.Clear();
        var recurrence = campaign.Recurrence;
        Apply(campaign, request);
        if (campaign.Status == CampaignStatus.Scheduled && campaign.Recurrence != recurrence)
        {
            // A schedule made for another recurrence (or none) does not hold for this one: it is scheduled again.
            campaign.Status = CampaignStatus.Draft;
        }

        campaign.Version++;
        audit.Record(db, "campaigns.campaign.changed", "campaign", campaign.Id.ToString(), new { program, campaign.Name });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(Dto(campaign, null));
    }

    private static async Task<Results<Ok<CampaignDto>, NotFound, ValidationProblem, ProblemHttpResult>> Schedule(
        string program, Guid id, ScheduleRequest request, CampaignsDbContext db, ChannelSessions channels, IOptions<MessagingOptions> options, AuditTrail audit,
        ILoyaltyPrograms programs, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.SingleOrDefaultAsync(c => c.Program == program && c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return TypedResults.NotFound();
        }

        if (campaign.Trigger is not null)
        {
            return await ActivateAsync(program, campaign, db, channels, options, audit, cancellationToken);
        }

        if (request.At is null)
        {
            return new ValidationErrors().Check(false, "at", "Give the time to send at (ISO 8601 with an offset); the present time sends now.").ToProblem();
        }

        if (campaign.Status is not (CampaignStatus.Draft or CampaignStatus.Scheduled))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The campaign was sent or cancelled", detail: $"It is {campaign.Status.ToString().ToLowerInvariant()}.");
        }

        if ((options.Value.Problem() ?? channels.Problem(campaign.Channel)) is { } problem)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Sending is not configured", detail: problem);
        }

        campaign.ScheduledAt = request.At.Value.ToUniversalTime();
        campaign.Status = CampaignStatus.Scheduled;
        if (campaign.Recurrence is not null)
        {
            // The first occurrence at or after the time given; each occurrence is then sent as a campaign of its own.
            var timeZone = (await programs.FindAsync(program, cancellationToken))!.TimeZone;
            campaign.NextOccurrenceAt = CampaignRecurrence.NextAfter(campaign.Recurrence, timeZone, campaign.ScheduledAt.Value.AddSeconds(-1));
            if (campaign.NextOccurrenceAt is null)
            {
                return new ValidationErrors().Check(false, "at", "The recurrence has no occurrence after this time.").ToProblem();
            }

            campaign.Status = CampaignStatus.Active;
        }

        campaign.Version++;
        audit.Record(db, "campaigns.campaign.scheduled", "campaign", campaign.Id.ToString(), new { program, campaign.ScheduledAt });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(Dto(campaign, null));
    }

    /// <summary>A triggered campaign takes its events from now on (no time is needed); a paused one again.</summary>
    private static async Task<Results<Ok<CampaignDto>, NotFound, ValidationProblem, ProblemHttpResult>> ActivateAsync(
        string program, Campaign campaign, CampaignsDbContext db, ChannelSessions channels, IOptions<MessagingOptions> options, AuditTrail audit, CancellationToken cancellationToken)
    {
        if (campaign.Status is not (CampaignStatus.Draft or CampaignStatus.Paused or CampaignStatus.Active))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The campaign was cancelled", detail: $"It is {campaign.Status.ToString().ToLowerInvariant()}.");
        }

        if ((options.Value.Problem() ?? channels.Problem(campaign.Channel)) is { } problem)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Sending is not configured", detail: problem);
        }

        // Its audience is what its events queue: there is none to read.
        campaign.AudienceComplete = true;
        campaign.Status = CampaignStatus.Active;
        campaign.Version++;
        audit.Record(db, "campaigns.campaign.activated", "campaign", campaign.Id.ToString(), new { program, trigger = campaign.Trigger?.ToString() });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(Dto(campaign, null));
    }

    private static async Task<Results<Ok<CampaignDto>, NotFound, ProblemHttpResult>> Pause(
        string program, Guid id, CampaignsDbContext db, AuditTrail audit, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.SingleOrDefaultAsync(c => c.Program == program && c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return TypedResults.NotFound();
        }

        if (campaign.Trigger is null || campaign.Status is not (CampaignStatus.Active or CampaignStatus.Paused))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Only an active triggered campaign pauses",
                detail: $"It is {campaign.Status.ToString().ToLowerInvariant()}{(campaign.Trigger is null ? " and has no trigger" : "")}; cancel it instead.");
        }

        // Conditional in bulk, like cancel: the sender checks the status before each batch.
        await db.Campaigns.Where(c => c.Id == id && c.Status == CampaignStatus.Active)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.Status, CampaignStatus.Paused), cancellationToken);
        audit.Record(db, "campaigns.campaign.paused", "campaign", campaign.Id.ToString(), new { program });
        await db.SaveChangesAsync(cancellationToken);
        campaign.Status = CampaignStatus.Paused;
        return TypedResults.Ok(Dto(campaign, null));
    }

    /// <summary>
    /// Points earned and vouchers redeemed (as Campaigns heard of them, <see cref="CampaignOutcome"/>) by the members
    /// sent the message and by the hold-out group, each counted from when the member entered the audience.
    /// </summary>
    private static async Task<Results<Ok<CampaignStatisticsDto>, NotFound>> Statistics(string program, Guid id, CampaignsDbContext db, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().IgnoreAutoIncludes().SingleOrDefaultAsync(c => c.Program == program && c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(await StatisticsAsync(db, campaign, cancellationToken));
    }

    internal static async Task<CampaignStatisticsDto> StatisticsAsync(CampaignsDbContext db, Campaign campaign, CancellationToken cancellationToken)
    {
        var (program, id) = (campaign.Program, campaign.Id);
        var outcomes = db.CampaignOutcomes;
        var rows = await db.CampaignMessages.AsNoTracking()
            .Where(m => m.CampaignId == id && (m.Status == MessageStatus.Sent || m.Status == MessageStatus.HeldOut))
            .GroupBy(m => new { m.MemberId, m.Status })
            .Select(g => new { g.Key.MemberId, g.Key.Status, Since = g.Min(m => m.QueuedAt) })
            .Select(m => new
            {
                m.Status,
                Points = outcomes.Where(o => o.Program == program && o.MemberId == m.MemberId && o.Kind == OutcomeKind.PointsEarned && o.OccurredAt >= m.Since)
                    .Sum(o => (long?)o.Amount) ?? 0,
                Vouchers = outcomes.Count(o => o.Program == program && o.MemberId == m.MemberId && o.Kind == OutcomeKind.VoucherRedeemed && o.OccurredAt >= m.Since),
            })
            .ToListAsync(cancellationToken);
        GroupOutcomeDto Of(MessageStatus status)
        {
            var group = rows.Where(r => r.Status == status).ToList();
            var points = group.Sum(r => r.Points);
            var vouchers = group.Sum(r => r.Vouchers);
            return new GroupOutcomeDto(group.Count, points, group.Count == 0 ? 0 : Math.Round((decimal)points / group.Count, 2),
                vouchers, group.Count == 0 ? 0 : Math.Round((decimal)vouchers / group.Count, 4), group.Count(r => r.Vouchers > 0));
        }

        return new CampaignStatisticsDto(campaign.HoldOutPercent, Of(MessageStatus.Sent), Of(MessageStatus.HeldOut));
    }

    private static async Task<Results<Ok<CampaignDto>, NotFound, ProblemHttpResult>> Cancel(
        string program, Guid id, CampaignsDbContext db, AuditTrail audit, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.SingleOrDefaultAsync(c => c.Program == program && c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return TypedResults.NotFound();
        }

        if (campaign.Status is CampaignStatus.Completed)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The campaign was sent", detail: "A completed campaign cannot be cancelled.");
        }

        // The sender updates the campaign in bulk and checks its status before each batch; a concurrent sender's
        // bookkeeping must not make the cancellation fail.
        await db.Campaigns.Where(c => c.Id == id && c.Status != CampaignStatus.Completed)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.Status, CampaignStatus.Cancelled), cancellationToken);
        audit.Record(db, "campaigns.campaign.cancelled", "campaign", campaign.Id.ToString(), new { program });
        await db.SaveChangesAsync(cancellationToken);
        campaign.Status = CampaignStatus.Cancelled;
        return TypedResults.Ok(Dto(campaign, null));
    }

    private static async Task<Results<Ok<PreviewDto>, NotFound, ValidationProblem>> Preview(
        string program, Guid id, PreviewRequest request, CampaignsDbContext db, ILoyaltyPrograms programs, IMessageRecipients members, CancellationToken cancellationToken)
    {
        var (campaign, found, recipient) = await LoadForRenderAsync(program, id, request.MemberId, db, programs, members, cancellationToken);
        if (campaign is null || found is null)
        {
            return TypedResults.NotFound();
        }

        if (recipient is null)
        {
            return new ValidationErrors().Check(false, "memberId", "Give a member of the program.").ToProblem();
        }

        var (locale, subject, body, error) = RenderFor(campaign, found, recipient, "#unsubscribe");
        return TypedResults.Ok(new PreviewDto(locale, subject, body, error));
    }

    private static async Task<Results<Ok<PreviewDto>, NotFound, ValidationProblem, ProblemHttpResult>> TestSend(
        string program, Guid id, TestSendRequest request, CampaignsDbContext db, ILoyaltyPrograms programs, IMessageRecipients members, ChannelSessions channels,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        if (request.Address is null || !MimeKit.MailboxAddress.TryParse(request.Address, out _) || !request.Address.Contains('@'))
        {
            return new ValidationErrors().Check(false, "address", "Give an email address to send the test to.").ToProblem();
        }

        var (campaign, found, recipient) = await LoadForRenderAsync(program, id, request.MemberId, db, programs, members, cancellationToken);
        if (campaign is null || found is null)
        {
            return TypedResults.NotFound();
        }

        if (recipient is null)
        {
            return new ValidationErrors().Check(false, "memberId", "Give a member of the program, whose data fills the template.").ToProblem();
        }

        // A test names no member's send record, so its unsubscribe link leads nowhere and it carries no List-Unsubscribe.
        var (locale, subject, body, error) = RenderFor(campaign, found, recipient, "#test-send");
        if (error is not null)
        {
            return TypedResults.Ok(new PreviewDto(locale, null, null, error));
        }

        await using var session = channels.Open(CampaignChannel.Email);
        var delivery = await session.DeliverAsync(
            new OutgoingMessage(Guid.CreateVersion7(clock.GetUtcNow()), campaign.Id, null, request.Address, locale, $"[Test] {subject}", body!, null), cancellationToken);
        return delivery.Outcome == DeliveryOutcome.Sent
            ? TypedResults.Ok(new PreviewDto(locale, subject, body, null))
            : TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "The test was not accepted", detail: delivery.Reason);
    }

    private static async Task<Results<Ok<MessagePage>, NotFound, ValidationProblem>> Messages(
        string program, Guid id, string? status, Guid? after, int? limit, CampaignsDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Campaigns.AnyAsync(c => c.Program == program && c.Id == id, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        var size = limit ?? 100;
        MessageStatus? wanted = null;
        var errors = new ValidationErrors().Check(size is >= 1 and <= 1000, "limit", "Give 1 to 1000.");
        if (status is not null)
        {
            errors.Check(Enum.TryParse<MessageStatus>(status, true, out var parsed) && !status.Any(char.IsDigit), "status",
                $"Use one of {string.Join(", ", Enum.GetNames<MessageStatus>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]))}.");
            wanted = parsed;
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var query = db.CampaignMessages.AsNoTracking().Where(m => m.CampaignId == id);
        query = wanted is { } s ? query.Where(m => m.Status == s) : query;
        query = after is { } a ? query.Where(m => m.Id.CompareTo(a) > 0) : query;
        var page = await query.OrderBy(m => m.Id).Take(size + 1).ToListAsync(cancellationToken);
        var items = page.Take(size).Select(m => new MessageDto(
            m.Id, m.MemberId, Name(m.Status), m.Reason, m.Address, m.Locale, m.Attempts, m.QueuedAt, m.SentAt, m.OpenedAt, m.ClickedAt, m.UnsubscribedAt)).ToList();
        return TypedResults.Ok(new MessagePage(items, page.Count > size ? items[^1].Id : null));
    }

    private static async Task<Ok<MessagingSettingsDto>> GetSettings(string program, CampaignsDbContext db, CancellationToken cancellationToken)
    {
        var settings = await db.MessagingSettings.AsNoTracking().SingleOrDefaultAsync(s => s.Program == program, cancellationToken) ?? new MessagingSettings { Program = program };
        return TypedResults.Ok(new MessagingSettingsDto(settings.CapMessages, settings.CapDays, settings.QuietFrom, settings.QuietUntil));
    }

    private static async Task<Results<Ok<MessagingSettingsDto>, ValidationProblem>> PutSettings(
        string program, MessagingSettingsDto request, CampaignsDbContext db, AuditTrail audit, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors()
            .Check(request.CapMessages is >= 1 and <= 1000, "capMessages", "Give 1 to 1000 messages.")
            .Check(request.CapDays is >= 1 and <= 366, "capDays", "Give 1 to 366 days.")
            .Check((request.QuietFrom is null) == (request.QuietUntil is null), "quietUntil", "Give both ends of the quiet hours, or neither.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var settings = await db.MessagingSettings.SingleOrDefaultAsync(s => s.Program == program, cancellationToken);
        if (settings is null)
        {
            settings = new MessagingSettings { Program = program };
            db.MessagingSettings.Add(settings);
        }

        (settings.CapMessages, settings.CapDays, settings.QuietFrom, settings.QuietUntil) = (request.CapMessages, request.CapDays, request.QuietFrom, request.QuietUntil);
        audit.Record(db, "campaigns.messaging-settings.changed", "program", program, request);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(request);
    }

    private static async Task<ValidationErrors> ValidateAsync(string program, CampaignRequest request, CampaignsDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = Validate(request);
        if (request.Recurrence is not null)
        {
            var problem = string.IsNullOrWhiteSpace(request.Recurrence) || request.Recurrence.Length > 200
                ? "Give a cron expression of at most 200 characters, or leave recurrence out for a one-off campaign."
                : CampaignRecurrence.Problem(request.Recurrence.Trim(), clock.GetUtcNow());
            errors.Check(problem is null, "recurrence", problem ?? "");
        }

        var trigger = ParseTrigger(request.Trigger);
        errors.Check(request.Trigger is null || trigger is not null, "trigger",
            $"Use one of {string.Join(", ", Enum.GetNames<CampaignTrigger>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]))}, or leave it out.");
        errors.Check(request.Trigger is null || request.Recurrence is null, "trigger", "A campaign is recurring or triggered, not both.");
        switch (trigger)
        {
            case CampaignTrigger.PointsExpiring:
                errors.Check(request.TriggerDays is >= 1 and <= 30, "triggerDays", "Give how many days before the points expire, 1 to 30.");
                break;
            case CampaignTrigger.NoPurchase:
                errors.Check(request.TriggerDays is >= 1 and <= 3650, "triggerDays", "Give after how many days without a purchase, 1 to 3650.");
                break;
            default:
                errors.Check(request.TriggerDays is null, "triggerDays", "Only the pointsExpiring and noPurchase triggers take days.");
                break;
        }

        errors.Check(trigger == CampaignTrigger.ChurnRisk ? request.TriggerThreshold is >= 1 and <= 100 : request.TriggerThreshold is null, "triggerThreshold",
            trigger == CampaignTrigger.ChurnRisk ? "Give the churn risk that fires the campaign, 1 to 100." : "Only the churnRisk trigger takes a threshold.");

        errors.Check(request.HoldOutPercent is null or (>= 0 and <= 50), "holdOutPercent", "Give 0 to 50 percent of the audience to hold out.");
        if (request.Segment is not null)
        {
            errors.Check(await db.Segments.AnyAsync(s => s.Program == program && s.Code == request.Segment, cancellationToken),
                "segment", $"The program has no segment '{request.Segment}'; leave it out to send to all active members.");
        }

        return errors;
    }

    private static ValidationErrors Validate(CampaignRequest request)
    {
        var errors = new ValidationErrors()
            .Check(!string.IsNullOrWhiteSpace(request.Name) && request.Name.Length <= 200, "name", "Give a name of at most 200 characters.")
            .Check(request.Channel is "email" or "webhook", "channel", "Use email or webhook.")
            .Check(request.Purpose is null || request.Purpose.Length is >= 1 and <= 50, "purpose", "Give a consent purpose of at most 50 characters.")
            .Check(request.ConsentChannel is null or ConsentChannels.Email or ConsentChannels.Sms or ConsentChannels.Push or ConsentChannels.Webhook,
                "consentChannel", "Use email, sms, push or webhook.");
        var contents = request.Contents ?? [];
        errors.Check(contents.Count is >= 1 and <= 50, "contents", "Give the content in 1 to 50 locales.");
        for (var i = 0; i < contents.Count; i++)
        {
            var content = contents[i];
            errors.Check(content.Locale is { Length: >= 2 and <= 35 }, $"contents[{i}].locale", "Give a locale such as en or de-DE.");
            errors.Check(contents.Count(c => string.Equals(c.Locale, content.Locale, StringComparison.OrdinalIgnoreCase)) == 1, $"contents[{i}].locale", "Give each locale once.");
            CheckTemplate(errors, $"contents[{i}].subject", content.Subject, 500);
            CheckTemplate(errors, $"contents[{i}].body", content.Body, 200_000);
        }

        var defaultLocale = request.DefaultLocale ?? contents.FirstOrDefault()?.Locale;
        errors.Check(contents.Count == 0 || contents.Any(c => string.Equals(c.Locale, defaultLocale, StringComparison.OrdinalIgnoreCase)),
            "defaultLocale", "Give one of the contents' locales: it is used for members whose locale has no content.");
        return errors;
    }

    private static void CheckTemplate(ValidationErrors errors, string field, string? text, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > maxLength)
        {
            errors.Check(false, field, $"Give a template of at most {maxLength} characters.");
            return;
        }

        MessageTemplate.Parse(text, out var parseErrors);
        foreach (var error in parseErrors)
        {
            errors.Check(false, field, $"Line {error.Line}, column {error.Column}: {error.Message}");
        }
    }

    private static void Apply(Campaign campaign, CampaignRequest request)
    {
        campaign.Name = request.Name!.Trim();
        campaign.Channel = request.Channel == "webhook" ? CampaignChannel.Webhook : CampaignChannel.Email;
        campaign.Purpose = request.Purpose ?? (campaign.Channel == CampaignChannel.Email ? ConsentPurposes.EmailMarketing : ConsentPurposes.SmsMarketing);
        campaign.ConsentChannel = request.ConsentChannel ?? (campaign.Channel == CampaignChannel.Email ? ConsentChannels.Email : ConsentChannels.Sms);
        var contents = request.Contents!;
        campaign.DefaultLocale = contents.First(c => string.Equals(c.Locale, request.DefaultLocale ?? contents[0].Locale, StringComparison.OrdinalIgnoreCase)).Locale!;
        campaign.Contents.AddRange(contents.Select(c => new CampaignContent { CampaignId = campaign.Id, Locale = c.Locale!, Subject = c.Subject!, Body = c.Body! }));
        campaign.VoucherTemplateId = request.VoucherTemplateId;
        campaign.TrackOpens = request.TrackOpens ?? false;
        campaign.TrackClicks = request.TrackClicks ?? false;
        campaign.Segment = request.Segment;
        campaign.Recurrence = request.Recurrence?.Trim();
        campaign.Trigger = ParseTrigger(request.Trigger);
        campaign.TriggerDays = request.TriggerDays;
        campaign.TriggerThreshold = request.TriggerThreshold;
        campaign.HoldOutPercent = request.HoldOutPercent ?? 0;
    }

    private static CampaignTrigger? ParseTrigger(string? trigger) =>
        trigger is not null && !trigger.Any(char.IsDigit) && Enum.TryParse<CampaignTrigger>(trigger, true, out var parsed) ? parsed : null;

    private static async Task<(Campaign? Campaign, LoyaltyProgramDto? Program, MessageRecipient? Recipient)> LoadForRenderAsync(
        string program, Guid id, Guid? memberId, CampaignsDbContext db, ILoyaltyPrograms programs, IMessageRecipients members, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Program == program && c.Id == id, cancellationToken);
        var found = campaign is null ? null : await programs.FindAsync(program, cancellationToken);
        var recipient = found is null || memberId is null ? null : (await members.FindAsync(program, [memberId.Value], cancellationToken)).SingleOrDefault();
        return (campaign, found, recipient);
    }

    private static (string Locale, string? Subject, string? Body, string? Error) RenderFor(Campaign campaign, LoyaltyProgramDto program, MessageRecipient recipient, string unsubscribeUrl)
    {
        var content = campaign.ContentFor(recipient.Locale);
        (string, DateTimeOffset?)? voucher = campaign.VoucherTemplateId is null ? null : ("PREVIEW-CODE", null);
        var (subject, body, error) = CampaignSender.Render(
            (MessageTemplate.Parse(content.Subject), MessageTemplate.Parse(content.Body)), MessageTemplate.Model(program, recipient, voucher, unsubscribeUrl), content.Locale);
        return (content.Locale, subject, body, error);
    }

    internal static async Task<CampaignProgressDto> ProgressAsync(CampaignsDbContext db, Campaign campaign, CancellationToken cancellationToken)
    {
        var messages = db.CampaignMessages.AsNoTracking().Where(m => m.CampaignId == campaign.Id);
        var counts = await messages.GroupBy(m => m.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var opened = await messages.CountAsync(m => m.OpenedAt != null, cancellationToken);
        var clicked = await messages.CountAsync(m => m.ClickedAt != null, cancellationToken);
        var unsubscribed = await messages.CountAsync(m => m.UnsubscribedAt != null, cancellationToken);
        int Of(MessageStatus status) => counts.GetValueOrDefault(status);
        return new CampaignProgressDto(
            campaign.AudienceComplete, counts.Values.Sum(), Of(MessageStatus.Queued) + Of(MessageStatus.Sending), Of(MessageStatus.Sent), Of(MessageStatus.Sent),
            Of(MessageStatus.Failed), Of(MessageStatus.Bounced), Of(MessageStatus.NoConsent), Of(MessageStatus.Capped), Of(MessageStatus.Skipped),
            Of(MessageStatus.Interrupted), opened, clicked, unsubscribed, Of(MessageStatus.HeldOut));
    }

    private static CampaignDto Dto(Campaign c, CampaignProgressDto? progress) => new(
        c.Id, c.Program, c.Name, c.Channel.ToString().ToLowerInvariant(), c.Purpose, c.ConsentChannel, c.DefaultLocale,
        c.Contents.OrderBy(x => x.Locale).Select(x => new ContentDto(x.Locale, x.Subject, x.Body)).ToList(),
        c.VoucherTemplateId, c.TrackOpens, c.TrackClicks, c.Segment, Name(c.Status), c.ScheduledAt, c.CreatedAt, c.StartedAt, c.CompletedAt, progress,
        c.Recurrence, c.NextOccurrenceAt, c.ParentId, c.Trigger is { } t ? Name(t) : null, c.TriggerDays, c.HoldOutPercent, c.TriggerThreshold);

    internal static string Name<T>(T value) where T : struct, Enum => value.ToString() is var s ? char.ToLowerInvariant(s[0]) + s[1..] : "";
}
