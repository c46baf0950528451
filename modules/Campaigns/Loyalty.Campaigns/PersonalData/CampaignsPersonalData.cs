using System.Text.Json;
using Loyalty.Campaigns.Persistence;
using Loyalty.Shared.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.PersonalData;

/// <summary>
/// Campaigns keeps a member's activities (which activity, when, what it earned) under their Members id; no profile
/// data. On erasure they stay under that id, which then leads to no person, as Members keeps the points ledger they
/// were credited to. Segment memberships, their history and static lists (by member id) and the member's scores are
/// profiling results and go.
/// </summary>
internal sealed class CampaignsPersonalData(CampaignsDbContext db, TimeProvider clock) : IPersonalDataProvider
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly RetainedData[] Retained =
    [
        new("Activities (type, time, points, external id of the sender; not their attributes) under the pseudonymous member id",
            "Art. 17(3)(b) and (e): the points they credited are accounting records; caps and idempotency stay correct"),
    ];

    private static readonly RetainedData[] RetainedReferrals =
    [
        new("Referrals (referrer and referred member ids, status, reason, times) under the pseudonymous member ids",
            "Art. 17(3)(b) and (e): they explain the referral points credited; abuse caps stay correct"),
    ];

    private static readonly RetainedData[] RetainedMessages =
    [
        new("Campaign message outcomes (sent, opened, clicked, times) and the points and vouchers compared with the hold-out group, under the pseudonymous member id, without the address",
            "Art. 17(3)(e) and Art. 89: campaign statistics and the frequency cap across campaigns stay correct"),
    ];

    public string Module => CampaignsDbContext.SchemaName;

    public PersonalDataDescription Description { get; } = new(
        ["activity history (surveys, reviews, enrolment, birthday bonuses)", "referral code and referrals (who referred whom, by member id)",
            "segment memberships and when the member entered and left each segment",
            "campaign delivery log (the address each message went to, when it was sent, opened, clicked)",
            "scores (RFM quintiles, churn risk, lifetime value estimate) computed from the member's purchases"],
        ["crediting points for activities under the program's earning rules", "enforcing the rules' caps",
            "selecting members for campaigns and rules (segments)", "profiling: scores for segments and churn-risk campaigns, unless the member objected", "sending campaign messages with consent, their frequency cap and statistics"],
        "until erasure; then kept under the pseudonymous member id with the points ledger");

    public async Task ExportAsync(Guid memberId, Utf8JsonWriter writer, CancellationToken cancellationToken)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("activities");
        var activities = db.Activities.AsNoTracking().Where(a => a.MemberId == memberId).OrderBy(a => a.OccurredAt).ThenBy(a => a.Id)
            .Select(a => new { a.Program, a.ExternalId, a.Type, a.OccurredAt, a.RecordedAt, a.Points, a.Attributes });
        await foreach (var a in activities.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            JsonSerializer.Serialize(writer, new { a.Program, a.ExternalId, a.Type, a.OccurredAt, a.RecordedAt, a.Points, Attributes = Activities.ActivityAttributes.FromJson(a.Attributes) }, Json);
        }

        writer.WriteEndArray();
        writer.WriteString("referralCode", await db.ReferralCodes.AsNoTracking().Where(c => c.MemberId == memberId).Select(c => c.Code).FirstOrDefaultAsync(cancellationToken));
        writer.WriteStartArray("referrals");
        var referrals = db.Referrals.AsNoTracking().Where(r => r.ReferrerId == memberId || r.ReferredId == memberId).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .Select(r => new { r.Program, r.Id, r.ReferrerId, r.ReferredId, Status = r.Status.ToString(), r.Reason, r.CreatedAt, r.ResolvedAt });
        await foreach (var referral in referrals.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            JsonSerializer.Serialize(writer, referral, Json);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("segments");
        var segments = db.SegmentMembers.AsNoTracking().Where(m => m.MemberId == memberId)
            .Join(db.Segments, m => m.SegmentId, s => s.Id, (m, s) => new { s.Program, s.Code, s.Name, m.Since });
        await foreach (var segment in segments.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            JsonSerializer.Serialize(writer, segment, Json);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("segmentHistory");
        var changes = db.SegmentChanges.AsNoTracking().Where(c => c.MemberId == memberId).OrderBy(c => c.Id)
            .Join(db.Segments, c => c.SegmentId, s => s.Id, (c, s) => new { s.Program, s.Code, Change = c.Entered ? "entered" : "left", c.At });
        await foreach (var change in changes.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            JsonSerializer.Serialize(writer, change, Json);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("campaignMessages");
        var messages = db.CampaignMessages.AsNoTracking().Where(m => m.MemberId == memberId).OrderBy(m => m.QueuedAt).ThenBy(m => m.Id)
            .Select(m => new { m.Program, m.CampaignId, Channel = m.Channel.ToString(), Status = m.Status.ToString(), m.Address, m.Locale, m.QueuedAt, m.SentAt, m.OpenedAt, m.ClickedAt, m.UnsubscribedAt });
        await foreach (var message in messages.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            JsonSerializer.Serialize(writer, message, Json);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("campaignOutcomes");
        var outcomes = db.CampaignOutcomes.AsNoTracking().Where(o => o.MemberId == memberId).OrderBy(o => o.OccurredAt).ThenBy(o => o.EventId)
            .Select(o => new { o.Program, Kind = o.Kind.ToString(), o.Amount, o.OccurredAt });
        await foreach (var outcome in outcomes.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            JsonSerializer.Serialize(writer, outcome, Json);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("scores");
        var scores = db.MemberScores.AsNoTracking().Where(s => s.MemberId == memberId).OrderBy(s => s.Program)
            .Select(s => new { s.Program, s.Recency, s.Frequency, s.Monetary, s.ChurnRisk, LifetimeValue = s.LifetimeValueMinor, s.Currency, s.ComputedAt });
        await foreach (var score in scores.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            JsonSerializer.Serialize(writer, score, Json);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Deletes the member's referral code (a shared link must no longer lead to them; it explains no points), their
    /// segment memberships and history, and the addresses and locales of their delivery log, and revokes the links of their messages; keeps activities, referrals and the log's outcomes (campaign
    /// statistics, the frequency cap) under the pseudonymous ids.
    /// </summary>
    public async Task<ErasureReport> EraseAsync(Guid memberId, CancellationToken cancellationToken)
    {
        // Reported on every call, so a repeated erasure answers the same: the member has no referral code afterwards.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.ReferralCodes.Where(c => c.MemberId == memberId).ExecuteDeleteAsync(cancellationToken);
        await db.SegmentMembers.Where(m => m.MemberId == memberId).ExecuteDeleteAsync(cancellationToken);
        await db.SegmentChanges.Where(c => c.MemberId == memberId).ExecuteDeleteAsync(cancellationToken);
        await db.SegmentListEntries.Where(e => e.MemberId == memberId).ExecuteDeleteAsync(cancellationToken);
        await db.MemberScores.Where(s => s.MemberId == memberId).ExecuteDeleteAsync(cancellationToken);
        await db.CampaignMessages.Where(m => m.MemberId == memberId)
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.Address, (string?)null).SetProperty(m => m.Locale, (string?)null), cancellationToken);
        // The links in messages already sent are the member's keys to this installation: none works after the erasure.
        var now = clock.GetUtcNow();
        await db.CampaignMessages.Where(m => m.MemberId == memberId && m.LinksRevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.LinksRevokedAt, now), cancellationToken);
        // The sender's free-form attributes may say anything about the person; the points need only type and time.
        await db.Activities.Where(a => a.MemberId == memberId && a.Attributes != null)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.Attributes, (string?)null), cancellationToken);
        string[] erased = ["referral code", "segment memberships, their history and static list entries", "scores", "addresses of campaign messages", "attributes of activities", "unsubscribe, open and click links of sent messages (revoked)"];
        var retained = new List<RetainedData>();
        if (await db.Activities.AnyAsync(a => a.MemberId == memberId, cancellationToken))
        {
            retained.AddRange(Retained);
        }

        if (await db.Referrals.AnyAsync(r => r.ReferrerId == memberId || r.ReferredId == memberId, cancellationToken))
        {
            retained.AddRange(RetainedReferrals);
        }

        if (await db.CampaignMessages.AnyAsync(m => m.MemberId == memberId, cancellationToken))
        {
            retained.AddRange(RetainedMessages);
        }

        await transaction.CommitAsync(cancellationToken);
        return new ErasureReport(Module, erased, retained);
    }
}
