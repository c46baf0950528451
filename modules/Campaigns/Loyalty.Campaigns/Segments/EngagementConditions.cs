using System.Text.Json.Serialization;
using Loyalty.Campaigns.Activities;
using Loyalty.Campaigns.Persistence;
using Loyalty.Feedback.Contracts;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Http;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.Segments;

/// <summary>How many (opened or clicked emails, answered surveys) in the last <see cref="WithinDays"/> days, or ever when it is null.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record EngagementCount(int? WithinDays = null, long? Min = null, long? Max = null);

/// <summary>
/// A rule segment's conditions on engagement, all of which must hold besides its member conditions: opens and clicks
/// come from Campaigns' delivery log, posted activities from Campaigns' activities, survey answers from Feedback
/// (<see cref="ISurveyParticipation"/>), so they meet the member conditions here, page by page, one query per source.
/// A member without records counts 0 (<c>{ "max": 0 }</c> is "never"); the last engagement is the latest email open,
/// email click, survey answer or activity the member did (every activity but the platform's own enrolment and
/// birthday), and members who never engaged do not match <see cref="DaysSinceLastEngagement"/>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record EngagementConditions(
    EngagementCount? EmailsOpened = null, EngagementCount? EmailsClicked = null, EngagementCount? SurveysAnswered = null, ValueRange? DaysSinceLastEngagement = null)
{
    /// <summary>Activities the platform fires without the member doing anything: not engagement.</summary>
    private static readonly string[] NotEngagement = [ActivityTriggers.Enrollment, ActivityTriggers.Birthday];

    public void Validate(ValidationErrors errors, string field = "engagement")
    {
        errors.Check((EmailsOpened ?? EmailsClicked ?? (object?)SurveysAnswered ?? DaysSinceLastEngagement) is not null, field,
            "Give at least one of emailsOpened, emailsClicked, surveysAnswered, daysSinceLastEngagement.");
        Count(EmailsOpened, "emailsOpened");
        Count(EmailsClicked, "emailsClicked");
        Count(SurveysAnswered, "surveysAnswered");
        if (DaysSinceLastEngagement is { } days)
        {
            Range($"{field}.daysSinceLastEngagement", days.Min, days.Max, SegmentConditions.MaxDays);
        }

        void Count(EngagementCount? count, string name)
        {
            if (count is null)
            {
                return;
            }

            errors.Check(count.WithinDays is null or (>= 1 and <= SegmentConditions.MaxDays), $"{field}.{name}.withinDays", $"Give 1 to {SegmentConditions.MaxDays:N0} days.");
            Range($"{field}.{name}", count.Min, count.Max, 1_000_000_000);
        }

        void Range(string path, long? min, long? max, long highest) => errors
            .Check(min is not null || max is not null, path, "Give min, max or both.")
            .Check(min is null || (min >= 0 && min <= highest), $"{path}.min", $"Give 0 to {highest:N0}.")
            .Check(max is null || (max >= 0 && max <= highest), $"{path}.max", $"Give 0 to {highest:N0}.")
            .Check(min is null || max is null || min <= max, $"{path}.max", "max must not be below min.");
    }

    /// <summary>The members among <paramref name="memberIds"/> whose engagement meets every condition, in the order given.</summary>
    public async Task<IReadOnlyList<Guid>> FilterAsync(
        CampaignsDbContext db, ISurveyParticipation surveys, string program, IReadOnlyList<Guid> memberIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var last = new Dictionary<Guid, DateTimeOffset>();
        var matching = memberIds.ToHashSet();

        if (EmailsOpened is not null || EmailsClicked is not null || DaysSinceLastEngagement is not null)
        {
            // One query over the delivery log for opens and clicks: a click sets the open time too.
            var openedSince = Since(EmailsOpened, now);
            var clickedSince = Since(EmailsClicked, now);
            var messages = await db.CampaignMessages.AsNoTracking()
                .Where(m => m.Program == program && memberIds.Contains(m.MemberId) && m.OpenedAt != null)
                .GroupBy(m => m.MemberId)
                .Select(g => new
                {
                    MemberId = g.Key,
                    Opened = g.LongCount(m => openedSince == null || m.OpenedAt >= openedSince),
                    Clicked = g.LongCount(m => m.ClickedAt != null && (clickedSince == null || m.ClickedAt >= clickedSince)),
                    LastOpened = g.Max(m => m.OpenedAt),
                    LastClicked = g.Max(m => m.ClickedAt),
                })
                .ToListAsync(cancellationToken);
            var opened = messages.ToDictionary(m => m.MemberId, m => m.Opened);
            var clicked = messages.ToDictionary(m => m.MemberId, m => m.Clicked);
            Keep(EmailsOpened, opened);
            Keep(EmailsClicked, clicked);
            foreach (var m in messages)
            {
                Later(m.MemberId, m.LastOpened);
                Later(m.MemberId, m.LastClicked);
            }
        }

        if (SurveysAnswered is not null || DaysSinceLastEngagement is not null)
        {
            var answered = await surveys.OfMembersAsync(program, memberIds, Since(SurveysAnswered, now), cancellationToken);
            Keep(SurveysAnswered, answered.ToDictionary(a => a.Key, a => (long)a.Value.Answered));
            foreach (var (memberId, participation) in answered)
            {
                Later(memberId, participation.LastAnsweredAt);
            }
        }

        if (DaysSinceLastEngagement is { } days)
        {
            var activities = await db.Activities.AsNoTracking()
                .Where(a => a.Program == program && memberIds.Contains(a.MemberId) && !NotEngagement.Contains(a.Type))
                .GroupBy(a => a.MemberId)
                .Select(g => new { MemberId = g.Key, Last = g.Max(a => a.OccurredAt) })
                .ToListAsync(cancellationToken);
            foreach (var a in activities)
            {
                Later(a.MemberId, a.Last);
            }

            // Whole days ago, as daysSinceLastPurchase: after now - (max + 1) days and at or before now - min days.
            DateTimeOffset? after = days.Max is { } max ? now.AddDays(-max - 1) : null;
            DateTimeOffset? notAfter = days.Min is { } min ? now.AddDays(-min) : null;
            matching.RemoveWhere(id => !last.TryGetValue(id, out var at) || (after is { } a && at <= a) || (notAfter is { } n && at > n));
        }

        return memberIds.Where(matching.Contains).ToList();

        void Keep(EngagementCount? condition, Dictionary<Guid, long> counts)
        {
            if (condition is not null)
            {
                matching.RemoveWhere(id => counts.GetValueOrDefault(id) is var n && ((condition.Min is { } min && n < min) || (condition.Max is { } max && n > max)));
            }
        }

        void Later(Guid memberId, DateTimeOffset? at)
        {
            if (at is { } time && (!last.TryGetValue(memberId, out var known) || time > known))
            {
                last[memberId] = time;
            }
        }
    }

    private static DateTimeOffset? Since(EngagementCount? count, DateTimeOffset now) => count?.WithinDays is { } days ? now.AddDays(-days) : null;
}
