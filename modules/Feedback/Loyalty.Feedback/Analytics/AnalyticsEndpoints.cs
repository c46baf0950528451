using System.Text;
using Loyalty.Campaigns.Contracts;
using Loyalty.Feedback.Persistence;
using Loyalty.Feedback.Surveys;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Feedback.Analytics;

/// <param name="Score">Promoters' share minus detractors' share, in percent (-100 to 100); null without answers.</param>
internal sealed record NpsDto(int Responses, int Promoters, int Passives, int Detractors, decimal? Score);

internal sealed record QuestionResultDto(string QuestionId, string Type, int Answers, NpsDto? Nps, IReadOnlyDictionary<string, int> Distribution, IReadOnlyDictionary<string, NpsDto>? NpsByTier);

/// <param name="Segment">The segment whose members' responses and sends were counted (as of its last evaluation); null for everyone.</param>
internal sealed record SurveyResultsDto(string Key, DateTimeOffset? From, DateTimeOffset? To, string? Segment, int Responses, int Sends, int RespondedSends, decimal? ResponseRate, IReadOnlyList<QuestionResultDto> Questions);

/// <param name="Start">The period's first instant: midnight in the program's time zone, on a Monday for weeks and the 1st for months.</param>
internal sealed record NpsPeriodDto(DateTimeOffset Start, NpsDto Nps);

internal sealed record NpsTrendDto(string Key, string Question, string Interval, string TimeZone, IReadOnlyList<NpsPeriodDto> Periods);

/// <param name="Trigger">The trigger as stored (<c>api:{trigger}</c> for a send made through the API); every purchase-triggered send counts under <c>purchase</c>.</param>
internal sealed record SendRateDto(string Trigger, int Sends, int Responded, decimal? ResponseRate);

internal sealed record TextAnswerDto(Guid ResponseId, int SurveyVersion, string QuestionId, string? TierCode, DateTimeOffset SubmittedAt, string Text);

/// <summary>
/// Results of a survey over all its versions, answers matched by question id, in a period of submission times.
/// Everything is counted in the database except the per-question grouping of a period's score rows.
/// </summary>
internal static class AnalyticsEndpoints
{
    private const string NoTier = "(none)";

    private const int SegmentPage = 1000;

    private const int MaxPeriods = 400;

    private static readonly string[] Intervals = ["day", "week", "month"];

    public static void MapAnalyticsEndpoints(this RouteGroupBuilder api)
    {
        var survey = api.MapGroup("/programs/{program}/surveys/{key}");
        survey.MapGet("/results", Results).RequireAuthorization(Policies.ViewPrograms);
        survey.MapGet("/nps-trend", NpsTrend).RequireAuthorization(Policies.ViewPrograms);
        survey.MapGet("/response-rates", ResponseRates).RequireAuthorization(Policies.ViewPrograms);
        survey.MapGet("/text-answers", TextAnswers).RequireAuthorization(Policies.ViewPrograms);
        survey.MapGet("/text-answers.csv", TextAnswersCsv).RequireAuthorization(Policies.ViewPrograms);
    }

    private static async Task<Results<Ok<SurveyResultsDto>, ProblemHttpResult>> Results(
        string program, string key, DateTimeOffset? from, DateTimeOffset? to, string? segment, FeedbackDbContext db, ISegmentMembership segments,
        CancellationToken cancellationToken)
    {
        if (await SurveyEndpoints.LatestAsync(db, program, key, cancellationToken) is not { } latest)
        {
            return FeedbackProblems.Problem(FeedbackProblems.UnknownSurvey, $"There is no survey '{key}'.");
        }

        var responses = Period(db, program, key, from, to);
        var sends = InvitedSends(db, program, key, from, to);

        if (segment is not null)
        {
            var members = await SegmentMembersAsync(segments, program, segment, cancellationToken);
            responses = responses.Where(r => r.MemberId != null && members.Contains(r.MemberId.Value));
            sends = sends.Where(s => members.Contains(s.MemberId));
        }

        var count = await responses.CountAsync(cancellationToken);
        var sent = await sends.CountAsync(cancellationToken);
        var responded = await sends.CountAsync(s => s.RespondedAt != null, cancellationToken);
        var scores = await db.Answers.Where(a => a.Score != null && responses.Select(r => r.Id).Contains(a.ResponseId))
            .Join(responses, a => a.ResponseId, r => r.Id, (a, r) => new { a.QuestionId, Score = a.Score!.Value, r.TierCode })
            .GroupBy(a => new { a.QuestionId, a.Score, a.TierCode })
            .Select(g => new { g.Key.QuestionId, g.Key.Score, g.Key.TierCode, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var choices = await db.Answers.Where(a => a.Choices != null && responses.Select(r => r.Id).Contains(a.ResponseId))
            .GroupBy(a => new { a.QuestionId, a.Choices }).Select(g => new { g.Key.QuestionId, Choices = g.Key.Choices!, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var texts = await db.Answers.Where(a => a.Text != null && responses.Select(r => r.Id).Contains(a.ResponseId))
            .GroupBy(a => a.QuestionId).Select(g => new { QuestionId = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.QuestionId, g => g.Count, cancellationToken);

        var questions = new List<QuestionResultDto>();
        foreach (var question in latest.Parsed().Questions!.Select(q => q!))
        {
            var id = question.Id!;
            if (question.IsScale)
            {
                var rows = scores.Where(s => s.QuestionId == id).ToList();
                var distribution = Enumerable.Range(question.Min, question.Max - question.Min + 1)
                    .ToDictionary(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture), n => rows.Where(r => r.Score == n).Sum(r => r.Count));
                var nps = question.Type == "nps" ? Nps(rows.Select(r => (r.Score, r.Count))) : null;
                var byTier = question.Type == "nps"
                    ? rows.GroupBy(r => r.TierCode ?? NoTier).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => Nps(g.Select(r => (r.Score, r.Count))))
                    : null;
                questions.Add(new(id, question.Type!, rows.Sum(r => r.Count), nps, distribution, byTier));
            }
            else if (question.IsChoice)
            {
                var rows = choices.Where(c => c.QuestionId == id).ToList();
                var distribution = question.Choices!.ToDictionary(c => c!.Id!, c => rows.Where(r => r.Choices.Split(',').Contains(c!.Id)).Sum(r => r.Count));
                questions.Add(new(id, question.Type!, rows.Sum(r => r.Count), null, distribution, null));
            }
            else
            {
                questions.Add(new(id, question.Type!, texts.GetValueOrDefault(id), null, new Dictionary<string, int>(), null));
            }
        }

        return TypedResults.Ok(new SurveyResultsDto(key, from, to, segment, count, sent, responded, sent == 0 ? null : Math.Round(100m * responded / sent, 1), questions));
    }

    /// <summary>
    /// The NPS of one question per day, week or month in the program's time zone, for a trend chart. Scores are read
    /// as a stream of (time, score) and counted per period, so memory stays flat; periods without answers are listed
    /// with zero responses.
    /// </summary>
    private static async Task<Results<Ok<NpsTrendDto>, ProblemHttpResult, ValidationProblem>> NpsTrend(
        string program, string key, string? question, string? interval, DateTimeOffset? from, DateTimeOffset? to,
        FeedbackDbContext db, ILoyaltyPrograms programs, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await SurveyEndpoints.LatestAsync(db, program, key, cancellationToken) is not { } latest || await programs.FindAsync(program, cancellationToken) is not { } loyaltyProgram)
        {
            return FeedbackProblems.Problem(FeedbackProblems.UnknownSurvey, $"There is no survey '{key}'.");
        }

        interval ??= "month";
        if (!Intervals.Contains(interval))
        {
            return new ValidationErrors().Check(false, "interval", "Use day, week or month.").ToProblem();
        }

        var nps = latest.Parsed().Questions!.Select(q => q!).Where(q => q.Type == "nps").ToList();
        if ((question is null ? nps.FirstOrDefault() : nps.FirstOrDefault(q => q.Id == question)) is not { } asked)
        {
            return new ValidationErrors().Check(false, "question", question is null ? "The survey has no NPS question." : $"The survey has no NPS question '{question}'.").ToProblem();
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(loyaltyProgram.TimeZone);
        var end = to ?? clock.GetUtcNow();
        var start = from ?? end.AddYears(-1);
        var periods = new List<DateTimeOffset>();
        // Without a `to`, the current period is the last and everything submitted so far counts.
        for (var period = PeriodStart(start, interval, zone); period < end || (to is null && period == PeriodStart(end, interval, zone)); period = NextPeriod(period, interval, zone))
        {
            if (periods.Count == MaxPeriods)
            {
                return new ValidationErrors().Check(false, "from", $"The range holds more than {MaxPeriods} periods of a {interval}; shorten it or choose a longer interval.").ToProblem();
            }

            periods.Add(period);
        }

        var counts = periods.ToDictionary(p => p, _ => new int[11]);
        var scores = db.Answers.Where(a => a.QuestionId == asked.Id && a.Score != null)
            .Join(Period(db, program, key, start, to), a => a.ResponseId, r => r.Id, (a, r) => new { r.SubmittedAt, Score = a.Score!.Value });
        await foreach (var row in scores.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (counts.TryGetValue(PeriodStart(row.SubmittedAt, interval, zone), out var histogram) && row.Score is >= 0 and <= 10)
            {
                histogram[row.Score]++;
            }
        }

        return TypedResults.Ok(new NpsTrendDto(key, asked.Id!, interval, zone.Id,
            periods.Select(p => new NpsPeriodDto(p, Nps(counts[p].Select((count, score) => (score, count))))).ToList()));
    }

    private static DateTimeOffset PeriodStart(DateTimeOffset instant, string interval, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone).Date;
        var first = interval switch
        {
            "week" => local.AddDays(-(((int)local.DayOfWeek + 6) % 7)),
            "month" => new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified),
            _ => local,
        };
        return Midnight(first, zone);
    }

    private static DateTimeOffset NextPeriod(DateTimeOffset start, string interval, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(start, zone).Date;
        return Midnight(interval switch { "week" => local.AddDays(7), "month" => local.AddMonths(1), _ => local.AddDays(1) }, zone);
    }

    /// <summary>Midnight of a local date as an instant in UTC (a midnight skipped by a clock change counts from the hour after).</summary>
    private static DateTimeOffset Midnight(DateTime date, TimeZoneInfo zone)
    {
        var local = DateTime.SpecifyKind(date, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddHours(1);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>Sends and responses per trigger (each campaign, and all purchases together), counted in the database.</summary>
    private static async Task<Results<Ok<List<SendRateDto>>, ProblemHttpResult>> ResponseRates(
        string program, string key, DateTimeOffset? from, DateTimeOffset? to, FeedbackDbContext db, CancellationToken cancellationToken)
    {
        if (await SurveyEndpoints.LatestAsync(db, program, key, cancellationToken) is null)
        {
            return FeedbackProblems.Problem(FeedbackProblems.UnknownSurvey, $"There is no survey '{key}'.");
        }

        var sends = InvitedSends(db, program, key, from, to);

        var rows = await sends.GroupBy(s => s.Trigger.StartsWith("purchase:") ? "purchase" : s.Trigger)
            .Select(g => new { Trigger = g.Key, Sends = g.Count(), Responded = g.Count(s => s.RespondedAt != null) })
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.OrderBy(r => r.Trigger, StringComparer.Ordinal)
            .Select(r => new SendRateDto(r.Trigger, r.Sends, r.Responded, r.Sends == 0 ? null : Math.Round(100m * r.Responded / r.Sends, 1))).ToList());
    }

    /// <summary>Every member of the segment (an unknown segment has none), read a page at a time; the database matches them as one parameter.</summary>
    private static async Task<List<Guid>> SegmentMembersAsync(ISegmentMembership segments, string program, string segment, CancellationToken cancellationToken)
    {
        var members = new List<Guid>();
        while (true)
        {
            var page = await segments.MembersOfAsync(program, segment, members.Count == 0 ? null : members[^1], SegmentPage, cancellationToken);
            members.AddRange(page);
            if (page.Count < SegmentPage)
            {
                return members;
            }
        }
    }

    private static async Task<Ok<List<TextAnswerDto>>> TextAnswers(
        string program, string key, string? question, string? tier, string? contains, DateTimeOffset? from, DateTimeOffset? to, int? skip, int? take,
        FeedbackDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await Texts(db, program, key, question, tier, contains, from, to).Skip(Math.Max(skip ?? 0, 0)).Take(Math.Clamp(take ?? 50, 1, 500)).ToListAsync(cancellationToken));

    /// <summary>The same filters as <c>text-answers</c>, every row, streamed; cells that a spreadsheet would run as a formula are prefixed with an apostrophe.</summary>
    private static async Task TextAnswersCsv(
        string program, string key, string? question, string? tier, string? contains, DateTimeOffset? from, DateTimeOffset? to,
        HttpContext http, FeedbackDbContext db, CancellationToken cancellationToken)
    {
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{key}-text-answers.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false));
        await writer.WriteLineAsync("responseId,surveyVersion,questionId,tier,submittedAt,text");
        await foreach (var row in Texts(db, program, key, question, tier, contains, from, to).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            await writer.WriteLineAsync(string.Join(',',
                Csv(row.ResponseId.ToString()), Csv(row.SurveyVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)), Csv(row.QuestionId), Csv(row.TierCode ?? string.Empty),
                Csv(row.SubmittedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)), Csv(row.Text)));
        }
    }

    public static string Csv(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }

    private static IQueryable<TextAnswerDto> Texts(FeedbackDbContext db, string program, string key, string? question, string? tier, string? contains, DateTimeOffset? from, DateTimeOffset? to)
    {
        var answers = db.Answers.Where(a => a.Text != null);
        if (question is not null)
        {
            answers = answers.Where(a => a.QuestionId == question);
        }

        if (contains is not null)
        {
            answers = answers.Where(a => a.Text!.Contains(contains));
        }

        var responses = Period(db, program, key, from, to);
        if (tier is not null)
        {
            responses = responses.Where(r => r.TierCode == tier);
        }

        // Ordered before the projection: EF cannot order by a member of a constructed record.
        return answers.Join(responses, a => a.ResponseId, r => r.Id, (a, r) => new { Answer = a, Response = r })
            .OrderByDescending(x => x.Response.SubmittedAt).ThenBy(x => x.Response.Id).ThenBy(x => x.Answer.QuestionId)
            .Select(x => new TextAnswerDto(x.Response.Id, x.Response.SurveyVersion, x.Answer.QuestionId, x.Response.TierCode, x.Response.SubmittedAt, x.Answer.Text!));
    }

    /// <summary>The survey's sends whose invitation went out in the period.</summary>
    private static IQueryable<Distribution.SurveySend> InvitedSends(FeedbackDbContext db, string program, string key, DateTimeOffset? from, DateTimeOffset? to)
    {
        var sends = db.Sends.Where(s => s.Program == program && s.SurveyKey == key && s.InvitedAt != null);
        if (from is not null)
        {
            sends = sends.Where(s => s.InvitedAt >= from);
        }

        if (to is not null)
        {
            sends = sends.Where(s => s.InvitedAt < to);
        }

        return sends;
    }

    private static IQueryable<Answering.SurveyResponse> Period(FeedbackDbContext db, string program, string key, DateTimeOffset? from, DateTimeOffset? to)
    {
        var responses = db.Responses.AsNoTracking().Where(r => r.Program == program && r.SurveyKey == key);
        if (from is not null)
        {
            responses = responses.Where(r => r.SubmittedAt >= from);
        }

        if (to is not null)
        {
            responses = responses.Where(r => r.SubmittedAt < to);
        }

        return responses;
    }

    /// <summary>Promoters answer 9-10, passives 7-8, detractors 0-6.</summary>
    private static NpsDto Nps(IEnumerable<(int Score, int Count)> rows)
    {
        var list = rows.ToList();
        int promoters = list.Where(r => r.Score >= 9).Sum(r => r.Count), passives = list.Where(r => r.Score is 7 or 8).Sum(r => r.Count), detractors = list.Where(r => r.Score <= 6).Sum(r => r.Count);
        var total = promoters + passives + detractors;
        return new NpsDto(total, promoters, passives, detractors, total == 0 ? null : Math.Round(100m * (promoters - detractors) / total, 1));
    }
}
