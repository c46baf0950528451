using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.Sends;

internal enum CampaignStatus
{
    Draft,
    Scheduled,
    Sending,
    Completed,
    Cancelled,

    /// <summary>
    /// A recurring campaign between its occurrences (each sent as a campaign of its own), or a triggered campaign that
    /// takes its events: each event queues a message in the campaign itself.
    /// </summary>
    Active,

    /// <summary>A triggered campaign on hold: events are not taken and queued messages wait until it is active again.</summary>
    Paused,
}

/// <summary>What starts a triggered campaign's message to one member; docs/campaigns.md names each occurrence.</summary>
internal enum CampaignTrigger
{
    Enrollment,
    Birthday,
    TierUpgrade,
    TierDowngrade,

    /// <summary><see cref="Campaign.TriggerDays"/> days before spendable points expire.</summary>
    PointsExpiring,

    /// <summary><see cref="Campaign.TriggerDays"/> days after the member's last purchase.</summary>
    NoPurchase,
    SurveyAnswered,

    /// <summary>The member's churn risk reached <see cref="Campaign.TriggerThreshold"/> from below, at a daily score run.</summary>
    ChurnRisk,
}

internal enum CampaignChannel
{
    Email,

    /// <summary>A signed JSON POST to the integrator's endpoint, which delivers it by SMS or push.</summary>
    Webhook,
}

/// <summary>
/// One message to the program's members on one channel, sent once at <see cref="ScheduledAt"/> by
/// <see cref="SendCampaignsJob"/>. The audience is the program's active members, or the members of <see cref="Segment"/>
/// as it was last evaluated; it is read page by page when sending starts, each member becoming a
/// <see cref="CampaignMessage"/> (the send record) before anything is sent.
/// </summary>
internal sealed class Campaign
{
    public Guid Id { get; init; }

    public required string Program { get; init; }

    public required string Name { get; set; }

    public CampaignChannel Channel { get; set; }

    /// <summary>The consent purpose asked at send time (<c>email-marketing</c>) and withdrawn by the unsubscribe link.</summary>
    public required string Purpose { get; set; }

    /// <summary>The consent channel asked at send time: <c>email</c> for email, <c>sms</c> or <c>push</c> for a webhook.</summary>
    public required string ConsentChannel { get; set; }

    /// <summary>Null: all active members of the program; otherwise the code of one of the program's segments.</summary>
    public string? Segment { get; set; }

    /// <summary>The content used for a member whose locale has none of its own (and for members without a locale).</summary>
    public required string DefaultLocale { get; set; }

    public List<CampaignContent> Contents { get; init; } = [];

    /// <summary>A voucher reward of the catalog: each recipient is issued one voucher of it at send time.</summary>
    public Guid? VoucherTemplateId { get; set; }

    public bool TrackOpens { get; set; }

    public bool TrackClicks { get; set; }

    public DateTimeOffset? ScheduledAt { get; set; }

    /// <summary>
    /// A Quartz cron expression in the program's time zone: the campaign is then recurring, and each occurrence is sent
    /// as a campaign of its own (<see cref="ParentId"/>) with its own audience, read at its time.
    /// </summary>
    public string? Recurrence { get; set; }

    /// <summary>The next occurrence of a recurring campaign that is <see cref="CampaignStatus.Active"/>.</summary>
    public DateTimeOffset? NextOccurrenceAt { get; set; }

    /// <summary>For one occurrence of a recurring campaign: the recurring campaign.</summary>
    public Guid? ParentId { get; init; }

    /// <summary>
    /// An event that sends one member a message (see <see cref="CampaignTriggers"/>): the campaign is then active until
    /// cancelled, and its send records are keyed by member and occurrence.
    /// </summary>
    public CampaignTrigger? Trigger { get; set; }

    /// <summary>The N of <see cref="CampaignTrigger.PointsExpiring"/> and <see cref="CampaignTrigger.NoPurchase"/>.</summary>
    public int? TriggerDays { get; set; }

    /// <summary>The churn risk (1 to 100) at which <see cref="CampaignTrigger.ChurnRisk"/> fires.</summary>
    public int? TriggerThreshold { get; set; }

    /// <summary>0 to 50: this share of the audience, chosen by <see cref="HoldOut"/>, is not sent to but recorded as <see cref="MessageStatus.HeldOut"/>.</summary>
    public int HoldOutPercent { get; set; }

    public CampaignStatus Status { get; set; }

    /// <summary>The last member id the audience was read up to; the audience is complete when <see cref="AudienceComplete"/>.</summary>
    public Guid? AudienceCursor { get; set; }

    public bool AudienceComplete { get; set; }

    /// <summary>A node sending the campaign holds it until then and extends it while it sends; a crashed node's claim runs out.</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    public string? LockedBy { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public int Version { get; set; }

    public CampaignContent ContentFor(string? locale)
    {
        if (locale is not null)
        {
            var exact = Contents.FirstOrDefault(c => string.Equals(c.Locale, locale, StringComparison.OrdinalIgnoreCase));
            if (exact is not null)
            {
                return exact;
            }

            var language = locale.Split('-')[0];
            var sameLanguage = Contents.FirstOrDefault(c => string.Equals(c.Locale.Split('-')[0], language, StringComparison.OrdinalIgnoreCase));
            if (sameLanguage is not null)
            {
                return sameLanguage;
            }
        }

        return Contents.First(c => string.Equals(c.Locale, DefaultLocale, StringComparison.OrdinalIgnoreCase));
    }

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Campaign>(campaign =>
        {
            campaign.ToTable("Campaigns");
            campaign.HasKey(c => c.Id);
            campaign.Property(c => c.Program).HasMaxLength(50);
            campaign.Property(c => c.Name).HasMaxLength(200);
            campaign.Property(c => c.Channel).HasConversion<string>().HasMaxLength(20);
            campaign.Property(c => c.Purpose).HasMaxLength(50);
            campaign.Property(c => c.ConsentChannel).HasMaxLength(20);
            campaign.Property(c => c.DefaultLocale).HasMaxLength(35);
            campaign.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
            campaign.Property(c => c.LockedBy).HasMaxLength(200);
            campaign.Property(c => c.Version).IsConcurrencyToken();
            campaign.HasIndex(c => new { c.Status, c.ScheduledAt });
            campaign.HasIndex(c => new { c.Program, c.CreatedAt });
            campaign.Property(c => c.Recurrence).HasMaxLength(200);
            campaign.HasIndex(c => new { c.Status, c.NextOccurrenceAt });
            campaign.HasIndex(c => c.ParentId);
            campaign.Property(c => c.Trigger).HasConversion<string>().HasMaxLength(30);
            campaign.HasIndex(c => new { c.Program, c.Trigger, c.Status });
            campaign.HasMany(c => c.Contents).WithOne().HasForeignKey(c => c.CampaignId);
            campaign.Navigation(c => c.Contents).AutoInclude();
        });
        modelBuilder.Entity<CampaignContent>(content =>
        {
            content.ToTable("CampaignContents");
            content.HasKey(c => new { c.CampaignId, c.Locale });
            content.Property(c => c.Locale).HasMaxLength(35);
            content.Property(c => c.Subject).HasMaxLength(500);
        });
        CampaignMessage.Configure(modelBuilder);
    }
}

/// <summary>The campaign's text in one locale: Scriban templates, checked when saved.</summary>
internal sealed class CampaignContent
{
    public Guid CampaignId { get; init; }

    public required string Locale { get; init; }

    /// <summary>The email's subject; for a webhook, passed on as the message's title.</summary>
    public required string Subject { get; set; }

    /// <summary>HTML for email; plain text for a webhook.</summary>
    public required string Body { get; set; }
}

internal enum MessageStatus
{
    /// <summary>In the audience, not yet handed to the channel.</summary>
    Queued,

    /// <summary>Being handed to the channel now. Found so by a later run, it is not sent again (see <see cref="Interrupted"/>).</summary>
    Sending,

    /// <summary>Accepted by the SMTP server or the webhook.</summary>
    Sent,

    /// <summary>A transient error outlasted the retries, or the channel refused it for good (other than the address).</summary>
    Failed,

    /// <summary>The address was refused for good (SMTP 5xx on the recipient).</summary>
    Bounced,

    /// <summary>Not sent: the member did not consent (or objected, or is restricted) at send time.</summary>
    NoConsent,

    /// <summary>Not sent: the program's frequency cap was reached.</summary>
    Capped,

    /// <summary>Not sent: the member is no longer active, has no address, a template value is missing, or the voucher could not be issued.</summary>
    Skipped,

    /// <summary>The node stopped while handing it over: it may or may not have arrived, and is not sent again, so nobody gets it twice.</summary>
    Interrupted,

    /// <summary>Not sent: the member fell in the campaign's hold-out control group.</summary>
    HeldOut,
}

/// <summary>
/// The send record of one member in one campaign: at most one per (campaign, member), so a send that restarts finds
/// what it did and neither repeats nor drops a message. Also the delivery log (sent, bounced, opened, clicked).
/// </summary>
internal sealed class CampaignMessage
{
    public Guid Id { get; init; }

    public Guid CampaignId { get; init; }

    public required string Program { get; init; }

    public Guid MemberId { get; init; }

    /// <summary>
    /// Empty for a one-off or recurring campaign; for a triggered one the occurrence it was sent for
    /// (<c>birthday:2027</c>), so a member gets one message per occurrence.
    /// </summary>
    public string Occurrence { get; init; } = "";

    public CampaignChannel Channel { get; init; }

    public MessageStatus Status { get; set; }

    /// <summary>Why it was not sent or failed; no personal data (a template position, an SMTP status code).</summary>
    public string? Reason { get; set; }

    /// <summary>The address it went to (personal data: exported and erased with the member).</summary>
    public string? Address { get; set; }

    public string? Locale { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset QueuedAt { get; init; }

    public DateTimeOffset? SentAt { get; set; }

    public DateTimeOffset? OpenedAt { get; set; }

    public DateTimeOffset? ClickedAt { get; set; }

    public DateTimeOffset? UnsubscribedAt { get; set; }

    /// <summary>When the member was erased: from then on the message's unsubscribe, open and click links answer 410.</summary>
    public DateTimeOffset? LinksRevokedAt { get; set; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<CampaignMessage>(message =>
    {
        message.ToTable("CampaignMessages");
        message.HasKey(m => m.Id);
        message.Property(m => m.Program).HasMaxLength(50);
        message.Property(m => m.Channel).HasConversion<string>().HasMaxLength(20);
        message.Property(m => m.Status).HasConversion<string>().HasMaxLength(20);
        message.Property(m => m.Reason).HasMaxLength(500);
        message.Property(m => m.Address).HasMaxLength(320);
        message.Property(m => m.Locale).HasMaxLength(35);
        message.Property(m => m.Occurrence).HasMaxLength(100);
        message.HasIndex(m => new { m.CampaignId, m.MemberId, m.Occurrence }).IsUnique();
        message.HasIndex(m => new { m.CampaignId, m.Status });
        message.HasIndex(m => new { m.Program, m.MemberId, m.SentAt });
        message.HasIndex(m => m.MemberId);
    });
}
