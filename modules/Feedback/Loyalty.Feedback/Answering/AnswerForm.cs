using System.Globalization;
using Loyalty.Feedback.Surveys;
using Microsoft.AspNetCore.Http;

namespace Loyalty.Feedback.Answering;

/// <summary>
/// Reads the posted form (<c>q.{questionId}</c> fields) against the survey version: every answer is checked before
/// anything is stored. A question whose <c>showIf</c> is not met by the answers above it was not asked: what was
/// sent for it is dropped and it is never required.
/// </summary>
internal static class AnswerForm
{
    public static string Field(string questionId) => $"q.{questionId}";

    public static (List<Answer> Answers, Dictionary<string, string> Errors) Read(SurveyDefinition survey, IFormCollection form, PageTexts texts)
    {
        var answers = new Dictionary<string, Answer>(StringComparer.Ordinal);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var question in survey.Questions!.Select(q => q!))
        {
            if (question.ShowIf is { } condition && !condition.IsMetBy(answers.GetValueOrDefault(condition.Question!)))
            {
                continue;
            }

            var values = form[Field(question.Id!)].Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim()).ToList();
            if (values.Count == 0)
            {
                if (question.Required == true)
                {
                    errors[question.Id!] = texts["AnswerRequired"];
                }

                continue;
            }

            if (Check(question, values, texts) is { } error)
            {
                errors[question.Id!] = error;
                continue;
            }

            answers[question.Id!] = question switch
            {
                { IsScale: true } => new Answer(question.Id!, int.Parse(values[0], CultureInfo.InvariantCulture), null, null),
                { IsChoice: true } => new Answer(question.Id!, null, values.Distinct(StringComparer.Ordinal).ToList(), null),
                _ => new Answer(question.Id!, null, null, values[0]),
            };
        }

        return (answers.Values.ToList(), errors);
    }

    private static string? Check(QuestionDefinition question, List<string> values, PageTexts texts)
    {
        if (question.IsScale)
        {
            return values.Count == 1 && int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var score) && score >= question.Min && score <= question.Max
                ? null
                : texts.Format("ChooseNumber", question.Min, question.Max);
        }

        if (question.IsChoice)
        {
            if (question.Type == "single" && values.Count > 1)
            {
                return texts["ChooseOnlyOne"];
            }

            return values.All(v => question.Choices!.Any(c => c!.Id == v)) ? null : texts["ChooseOffered"];
        }

        if (values.Count > 1)
        {
            return texts["OneText"];
        }

        return values[0].Length <= question.TextLength
            ? null
            : texts.Format("TextTooLong", values[0].Length, question.TextLength);
    }
}
