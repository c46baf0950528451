using System.Text.Json.Nodes;

namespace Loyalty.Host.Admin.Campaigns;

// What the Campaigns API answers about campaigns, as far as the screens show or keep it.
public sealed record CampaignContentView(string Locale, string Subject, string Body);

public sealed record CampaignProgressView(
    bool AudienceComplete, int Audience, int Queued, int Sent, int Delivered, int Failed, int Bounced, int NoConsent, int Capped, int Skipped,
    int Interrupted, int Opened, int Clicked, int Unsubscribed, int HeldOut)
{
    /// <summary>How much of the audience was dealt with (sent, refused or held out), in percent.</summary>
    public int Percent => Audience == 0 ? (AudienceComplete ? 100 : 0) : (int)((Audience - Queued) * 100L / Audience);
}

public sealed record CampaignView(
    Guid Id, string Program, string Name, string Channel, string Purpose, string ConsentChannel, string DefaultLocale, IReadOnlyList<CampaignContentView> Contents,
    Guid? VoucherTemplateId, bool TrackOpens, bool TrackClicks, string? Segment, string Status, DateTimeOffset? ScheduledAt, DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, CampaignProgressView? Progress, string? Recurrence, DateTimeOffset? NextOccurrenceAt, Guid? OccurrenceOf,
    string? Trigger, int? TriggerDays, int HoldOutPercent, int? TriggerThreshold)
{
    /// <summary>The campaign as a change request: what the screens do not edit is sent as it is.</summary>
    public JsonObject ToRequest() => new()
    {
        ["name"] = Name,
        ["channel"] = Channel,
        ["purpose"] = Purpose,
        ["consentChannel"] = ConsentChannel,
        ["defaultLocale"] = DefaultLocale,
        ["contents"] = new JsonArray(Contents.Select(c => (JsonNode)new JsonObject { ["locale"] = c.Locale, ["subject"] = c.Subject, ["body"] = c.Body }).ToArray()),
        ["voucherTemplateId"] = VoucherTemplateId,
        ["trackOpens"] = TrackOpens,
        ["trackClicks"] = TrackClicks,
        ["segment"] = Segment,
        ["recurrence"] = Recurrence,
        ["trigger"] = Trigger,
        ["triggerDays"] = TriggerDays,
        ["holdOutPercent"] = HoldOutPercent,
        ["triggerThreshold"] = TriggerThreshold,
    };
}

public sealed record GroupOutcomeView(int Members, long PointsEarned, decimal PointsPerMember, int VouchersRedeemed, decimal VouchersPerMember, int MembersWhoRedeemed);

public sealed record CampaignStatisticsView(int HoldOutPercent, GroupOutcomeView Recipients, GroupOutcomeView HoldOut);

public sealed record CampaignPreviewView(string Locale, string? Subject, string? Body, string? Error);
