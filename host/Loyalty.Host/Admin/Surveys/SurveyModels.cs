using System.Globalization;
using System.Text.Json;
using Loyalty.Members.Contracts;

namespace Loyalty.Host.Admin.Surveys;

/// <summary>The Feedback API's answers as the survey screens read them (only the fields they show).</summary>
internal sealed record SurveyView(string Key, int Version, string Status, SurveyDefinitionView Definition, DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt)
{
    public string Title => Definition.Localised(Definition.Title) ?? Key;
}

internal sealed record SurveyDefinitionView(string DefaultLocale, Dictionary<string, string>? Title, IReadOnlyList<QuestionView> Questions)
{
    /// <summary>The text in the UI's language, else the survey's default locale, else any.</summary>
    public string? Localised(Dictionary<string, string>? texts) =>
        texts is null or { Count: 0 } ? null
        : texts.TryGetValue(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName, out var own) ? own
        : texts.TryGetValue(DefaultLocale, out var fallback) ? fallback
        : texts.Values.First();
}

internal sealed record QuestionView(string Id, string Type, Dictionary<string, string>? Text, IReadOnlyList<ChoiceView>? Choices);

internal sealed record ChoiceView(string Id, Dictionary<string, string>? Text);

internal sealed record NpsView(int Responses, int Promoters, int Passives, int Detractors, decimal? Score);

internal sealed record QuestionResultView(string QuestionId, string Type, int Answers, NpsView? Nps, Dictionary<string, int> Distribution, Dictionary<string, NpsView>? NpsByTier);

internal sealed record SegmentView(string Code, string Name, int MemberCount);

internal sealed record SurveyResultsView(int Responses, int Sends, int RespondedSends, decimal? ResponseRate, IReadOnlyList<QuestionResultView> Questions);

internal sealed record NpsPeriodView(DateTimeOffset Start, NpsView Nps);

internal sealed record NpsTrendView(string Question, string Interval, string TimeZone, IReadOnlyList<NpsPeriodView> Periods);

internal sealed record SendRateView(string Trigger, int Sends, int Responded, decimal? ResponseRate);

internal sealed record TextAnswerView(Guid ResponseId, int SurveyVersion, string QuestionId, string? TierCode, DateTimeOffset SubmittedAt, string Text);

internal sealed record ReviewView(Guid Id, Guid MemberId, string SubjectType, string SubjectId, int Rating, string? Text, string Status, DateTimeOffset SubmittedAt);

internal static class SurveyScreens
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static T? As<T>(this ApiAnswer answer) where T : class =>
        answer.Succeeded && answer.Body is { } body ? body.Deserialize<T>(Json) : null;

    public static DateTimeOffset InZone(DateTimeOffset instant, LoyaltyProgramDto program) =>
        TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone));

    public static string Query(DateTimeOffset instant) => Uri.EscapeDataString(instant.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));

    public static string Escape(string value) => Uri.EscapeDataString(value);
}
