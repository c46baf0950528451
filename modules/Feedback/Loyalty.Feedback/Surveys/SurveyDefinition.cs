using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Loyalty.Shared.Http;

namespace Loyalty.Feedback.Surveys;

/// <summary>
/// What an admin writes: the survey's texts per locale (<see cref="DefaultLocale"/> is required and the fallback), its
/// questions in order, whether an anonymous public link answers it, and an optional purchase trigger (limited to
/// purchases in <see cref="PurchaseStores"/> when it names stores).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed partial record SurveyDefinition(
    string? DefaultLocale,
    Dictionary<string, string>? Title,
    Dictionary<string, string>? Intro,
    bool? AllowAnonymous,
    int? LinkValidDays,
    int? SendHoursAfterPurchase,
    List<string?>? PurchaseStores,
    List<QuestionDefinition?>? Questions)
{
    public const int MaxQuestions = 50;
    public const int MaxChoices = 20;
    public const int DefaultTextLength = 2000;
    public const int MaxTextLength = 10_000;
    public const int MaxLabelLength = 1000;
    public const int MaxStores = 100;

    public static readonly string[] Types = ["nps", "rating", "single", "multiple", "text"];

    public ValidationErrors Validate()
    {
        var errors = new ValidationErrors()
            .Check(DefaultLocale is not null && LocaleCode().IsMatch(DefaultLocale), "defaultLocale", "Give the fallback locale, such as en or de-DE.");
        CheckTexts(Title, "title", required: true, errors);
        CheckTexts(Intro, "intro", required: false, errors);
        errors
            .Check(LinkValidDays is null or >= 1 and <= 365, "linkValidDays", "Give 1-365 days (default 30).")
            .Check(SendHoursAfterPurchase is null or >= 0 and <= 24 * 30, "sendHoursAfterPurchase", "Give 0-720 hours, or leave it out for no purchase trigger.")
            .Check(PurchaseStores is null || SendHoursAfterPurchase is not null, "purchaseStores", "Stores limit the purchase trigger: give sendHoursAfterPurchase too.")
            .Check(PurchaseStores is null or { Count: >= 1 and <= MaxStores }, "purchaseStores", $"Give 1-{MaxStores} store codes, or leave it out for purchases anywhere.")
            .Check(Questions is { Count: > 0 and <= MaxQuestions }, "questions", $"Give 1-{MaxQuestions} questions.");
        for (var i = 0; i < Math.Min(PurchaseStores?.Count ?? 0, MaxStores); i++)
        {
            errors.Check(PurchaseStores![i] is { Length: >= 1 and <= 100 } store && !string.IsNullOrWhiteSpace(store), $"purchaseStores[{i}]", "Give the store code as purchases name it (1-100 characters).");
        }

        var earlier = new Dictionary<string, QuestionDefinition>(StringComparer.Ordinal);
        for (var i = 0; i < (Questions?.Count ?? 0); i++)
        {
            var field = $"questions[{i}]";
            if (Questions![i] is not { } question)
            {
                errors.Check(false, field, "Give the question.");
                continue;
            }

            question.Validate(field, earlier, this, errors);
            if (question.Id is not null && !earlier.TryAdd(question.Id, question))
            {
                errors.Check(false, $"{field}.id", $"The id '{question.Id}' is used by an earlier question.");
            }
        }

        return errors;
    }

    /// <summary>Whether a purchase in <paramref name="store"/> (null: the shop named none) triggers the survey; store codes match ignoring case.</summary>
    public bool TriggeredBy(string? store) =>
        PurchaseStores is null || (store is not null && PurchaseStores.Contains(store, StringComparer.OrdinalIgnoreCase));

    public void CheckTexts(Dictionary<string, string>? texts, string field, bool required, ValidationErrors errors)
    {
        if (texts is null)
        {
            errors.Check(!required, field, $"Give the text in {DefaultLocale ?? "the default locale"} at least.");
            return;
        }

        errors.Check(DefaultLocale is null || texts.ContainsKey(DefaultLocale), field, $"Give the text in the default locale {DefaultLocale}.");
        foreach (var (locale, text) in texts)
        {
            errors
                .Check(LocaleCode().IsMatch(locale), $"{field}.{locale}", "Use a locale code such as en or de-DE.")
                .Check(!string.IsNullOrWhiteSpace(text) && text.Length <= MaxLabelLength, $"{field}.{locale}", $"Give 1-{MaxLabelLength} characters.");
        }
    }

    [GeneratedRegex("^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$", RegexOptions.CultureInvariant)]
    private static partial Regex LocaleCode();
}

/// <param name="ShowIf">Shows the question only when an earlier one was answered so; hidden questions are not asked.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed partial record QuestionDefinition(
    string? Id,
    string? Type,
    Dictionary<string, string>? Text,
    bool? Required,
    List<ChoiceDefinition?>? Choices,
    int? MaxLength,
    QuestionCondition? ShowIf)
{
    public bool IsScale => Type is "nps" or "rating";

    public bool IsChoice => Type is "single" or "multiple";

    public int Min => Type == "nps" ? 0 : 1;

    public int Max => Type == "nps" ? 10 : 5;

    public int TextLength => MaxLength ?? SurveyDefinition.DefaultTextLength;

    public void Validate(string field, IReadOnlyDictionary<string, QuestionDefinition> earlier, SurveyDefinition survey, ValidationErrors errors)
    {
        errors
            .Check(Id is not null && QuestionId().IsMatch(Id), $"{field}.id", "Give an id of 1-30 letters, digits, dashes or underscores.")
            .Check(Type is not null && SurveyDefinition.Types.Contains(Type), $"{field}.type", "Use nps, rating, single, multiple or text.");
        survey.CheckTexts(Text, $"{field}.text", required: true, errors);
        if (IsChoice)
        {
            errors.Check(Choices is { Count: >= 2 and <= SurveyDefinition.MaxChoices }, $"{field}.choices", $"Give 2-{SurveyDefinition.MaxChoices} choices.");
            var ids = new HashSet<string>(StringComparer.Ordinal);
            for (var c = 0; c < (Choices?.Count ?? 0); c++)
            {
                var choice = Choices![c];
                errors.Check(choice?.Id is not null && QuestionId().IsMatch(choice.Id), $"{field}.choices[{c}].id", "Give an id of 1-30 letters, digits, dashes or underscores.");
                errors.Check(choice?.Id is null || ids.Add(choice.Id), $"{field}.choices[{c}].id", "The id is used by an earlier choice.");
                survey.CheckTexts(choice?.Text, $"{field}.choices[{c}].text", required: true, errors);
            }
        }
        else
        {
            errors.Check(Choices is null, $"{field}.choices", "Only single and multiple choice questions have choices.");
        }

        errors.Check(MaxLength is null || (Type == "text" && MaxLength is >= 1 and <= SurveyDefinition.MaxTextLength), $"{field}.maxLength",
            $"Only a text question has a maximum length, 1-{SurveyDefinition.MaxTextLength}.");
        if (ShowIf is { } condition)
        {
            condition.Validate($"{field}.showIf", earlier, errors);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,30}$", RegexOptions.CultureInvariant)]
    internal static partial Regex QuestionId();
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record ChoiceDefinition(string? Id, Dictionary<string, string>? Text);

/// <summary>
/// Asks about one earlier question: a score below <see cref="LessThan"/> or above <see cref="GreaterThan"/> (NPS,
/// rating), or one of the choices in <see cref="AnyOf"/> (choice questions). An unanswered question meets none.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record QuestionCondition(string? Question, int? LessThan, int? GreaterThan, List<string>? AnyOf)
{
    public void Validate(string field, IReadOnlyDictionary<string, QuestionDefinition> earlier, ValidationErrors errors)
    {
        if (Question is null || !earlier.TryGetValue(Question, out var asked))
        {
            errors.Check(false, $"{field}.question", "Name an earlier question.");
            return;
        }

        if (asked.IsScale)
        {
            errors.Check((LessThan is not null || GreaterThan is not null) && AnyOf is null, field, $"'{Question}' is a score: give lessThan and/or greaterThan.");
        }
        else if (asked.IsChoice)
        {
            errors.Check(LessThan is null && GreaterThan is null && AnyOf is { Count: > 0 }, field, $"'{Question}' is a choice: give anyOf with its choice ids.");
            foreach (var choice in AnyOf ?? [])
            {
                errors.Check(asked.Choices?.Any(c => c?.Id == choice) == true, $"{field}.anyOf", $"'{choice}' is not a choice of '{Question}'.");
            }
        }
        else
        {
            errors.Check(false, $"{field}.question", "A condition asks about a score or a choice, not a free text.");
        }
    }

    public bool IsMetBy(Answer? answer) => answer switch
    {
        { Score: { } score } => (LessThan is null || score < LessThan) && (GreaterThan is null || score > GreaterThan),
        { Choices: { Count: > 0 } choices } => AnyOf?.Intersect(choices).Any() == true,
        _ => false,
    };
}

/// <summary>A validated answer to one question.</summary>
internal sealed record Answer(string QuestionId, int? Score, IReadOnlyList<string>? Choices, string? Text);

internal static class LocalisedText
{
    /// <summary>The text in the asked locale, else its language (de for de-AT), else the default locale.</summary>
    public static string In(this Dictionary<string, string>? texts, string locale, string defaultLocale)
    {
        if (texts is null)
        {
            return string.Empty;
        }

        if (texts.TryGetValue(locale, out var text))
        {
            return text;
        }

        var language = locale.Split('-')[0];
        if (texts.TryGetValue(language, out text))
        {
            return text;
        }

        return texts.FirstOrDefault(t => t.Key.StartsWith(language + "-", StringComparison.OrdinalIgnoreCase)).Value
            ?? texts.GetValueOrDefault(defaultLocale) ?? string.Empty;
    }
}
