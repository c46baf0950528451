using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Loyalty.Feedback.Surveys;
using Microsoft.AspNetCore.Http;

namespace Loyalty.Feedback.Answering;

/// <summary>
/// The public answer page, server-rendered so that it works without JavaScript: one fieldset with a legend per
/// question, labels on every control, an error summary linking to the fields, and CSS that fits a phone.
/// Conditional questions are shown with their condition, since without script the page cannot hide them.
/// </summary>
internal static class AnswerPage
{
    /// <summary>Encodes markup characters only, so that texts in any script stay readable in the page's source.</summary>
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private const string Css = """
        *{box-sizing:border-box}body{font-family:system-ui,sans-serif;margin:0;padding:1rem;line-height:1.5;color:#1b1b1b;background:#fafafa}
        main{max-width:40rem;margin:0 auto}h1{font-size:1.5rem}fieldset{border:1px solid #bbb;border-radius:.5rem;margin:0 0 1rem;padding:.75rem 1rem;background:#fff}
        legend{font-weight:600;padding:0 .25rem}.scale{display:flex;flex-wrap:wrap;gap:.25rem}.scale label{display:flex;flex-direction:column;align-items:center;min-width:2.75rem;padding:.25rem;border:1px solid #ccc;border-radius:.25rem}
        .choice label{display:block;padding:.35rem 0}input[type=radio],input[type=checkbox]{width:1.25rem;height:1.25rem}textarea{width:100%;min-height:6rem;font:inherit;padding:.5rem}
        .hint{color:#555;font-size:.9rem;margin:.25rem 0}.error{color:#b00020;font-weight:600}.summary{border:3px solid #b00020;padding:.75rem 1rem;background:#fff;margin-bottom:1rem}
        .invalid{border-color:#b00020;border-width:2px}button{font:inherit;font-weight:600;padding:.75rem 1.5rem;border:0;border-radius:.5rem;background:#0b57d0;color:#fff;width:100%}
        :focus-visible{outline:3px solid #ffbf47;outline-offset:2px}@media(min-width:40rem){button{width:auto}}
        """;

    public static IResult Form(
        SurveyDefinition survey, string locale, string action, IReadOnlyDictionary<string, string> errors, IFormCollection? posted, int status = StatusCodes.Status200OK)
    {
        var enc = Html;
        var texts = new PageTexts(locale);
        var html = new StringBuilder();
        var title = survey.Title.In(locale, survey.DefaultLocale!);
        Start(html, (errors.Count > 0 ? texts["ErrorPrefix"] : string.Empty) + title, locale, ConditionCss(survey));
        html.Append("<h1>").Append(enc.Encode(title)).Append("</h1>");
        if (survey.Intro is not null)
        {
            html.Append("<p>").Append(enc.Encode(survey.Intro.In(locale, survey.DefaultLocale!))).Append("</p>");
        }

        if (errors.Count > 0)
        {
            html.Append("<div class=\"summary\" role=\"alert\" tabindex=\"-1\" id=\"error-summary\"><h2>").Append(enc.Encode(texts["ErrorSummary"])).Append("</h2><ul>");
            foreach (var (id, error) in errors)
            {
                html.Append("<li><a href=\"#q-").Append(enc.Encode(id)).Append("\">")
                    .Append(enc.Encode(Label(survey, id, locale))).Append(": ").Append(enc.Encode(error)).Append("</a></li>");
            }

            html.Append("</ul></div>");
        }

        // The language travels in the address, so that every answer to the post (refusals too) is in it.
        html.Append("<form method=\"post\" action=\"").Append(enc.Encode($"{action}?lang={Uri.EscapeDataString(locale)}")).Append("\" novalidate>");
        foreach (var question in survey.Questions!.Select(q => q!))
        {
            Question(html, survey, question, locale, texts, errors.GetValueOrDefault(question.Id!), posted);
        }

        html.Append("<button type=\"submit\">").Append(enc.Encode(texts["Submit"])).Append("</button></form>");
        return End(html, status);
    }

    /// <summary>A page with one message: <paramref name="title"/> and <paramref name="text"/> name page texts.</summary>
    public static IResult Message(string locale, string title, string text, int status)
    {
        var texts = new PageTexts(locale);
        (title, text) = (texts[title], texts[text]);
        var html = new StringBuilder();
        Start(html, title, locale);
        html.Append("<h1>").Append(Html.Encode(title)).Append("</h1><p>").Append(Html.Encode(text)).Append("</p>");
        return End(html, status);
    }

    private static void Question(StringBuilder html, SurveyDefinition survey, QuestionDefinition question, string locale, PageTexts texts, string? error, IFormCollection? posted)
    {
        var enc = Html;
        var id = enc.Encode(question.Id!);
        var name = enc.Encode(AnswerForm.Field(question.Id!));
        var text = enc.Encode(question.Text.In(locale, survey.DefaultLocale!)) + (question.Required == true ? " <span aria-hidden=\"true\">*</span><span class=\"hint\"> " + enc.Encode(texts["Required"]) + "</span>" : string.Empty);
        var previous = posted?[AnswerForm.Field(question.Id!)].Select(v => v ?? string.Empty).ToHashSet(StringComparer.Ordinal) ?? [];
        var described = new List<string>();
        var hint = Condition(survey, question, locale, texts);
        var extra = new StringBuilder();
        if (hint is not null)
        {
            extra.Append("<p class=\"hint\" id=\"q-").Append(id).Append("-hint\">").Append(enc.Encode(hint)).Append("</p>");
            described.Add($"q-{id}-hint");
        }

        if (error is not null)
        {
            extra.Append("<p class=\"error\" id=\"q-").Append(id).Append("-error\"><span class=\"visually-hidden\">").Append(enc.Encode(texts["ErrorPrefix"])).Append("</span>").Append(enc.Encode(error)).Append("</p>");
            described.Add($"q-{id}-error");
        }

        var describedBy = described.Count > 0 ? $" aria-describedby=\"{string.Join(' ', described)}\"" : string.Empty;
        var invalid = error is not null ? " aria-invalid=\"true\"" : string.Empty;
        if (question.Type == "text")
        {
            html.Append("<fieldset id=\"f-").Append(id).Append('"').Append(error is not null ? " class=\"invalid\"" : string.Empty).Append("><legend><label for=\"q-").Append(id).Append("\">").Append(text).Append("</label></legend>")
                .Append(extra).Append("<textarea id=\"q-").Append(id).Append("\" name=\"").Append(name).Append("\" maxlength=\"").Append(question.TextLength.ToString(CultureInfo.InvariantCulture))
                .Append('"').Append(describedBy).Append(invalid).Append('>').Append(enc.Encode(previous.FirstOrDefault() ?? string.Empty)).Append("</textarea></fieldset>");
            return;
        }

        html.Append("<fieldset id=\"q-").Append(id).Append("\" tabindex=\"-1\"").Append(error is not null ? " class=\"invalid\"" : string.Empty).Append(describedBy).Append("><legend>").Append(text).Append("</legend>").Append(extra);
        var options = question.IsScale
            ? Enumerable.Range(question.Min, question.Max - question.Min + 1).Select(n => (Value: n.ToString(CultureInfo.InvariantCulture), Label: question.Type == "rating" ? $"{n} ★" : n.ToString(CultureInfo.InvariantCulture)))
            : question.Choices!.Select(c => (Value: c!.Id!, Label: c.Text.In(locale, survey.DefaultLocale!)));
        var type = question.Type == "multiple" ? "checkbox" : "radio";
        html.Append("<div class=\"").Append(question.IsScale ? "scale" : "choice").Append("\">");
        if (question.Type == "nps")
        {
            html.Append("<p class=\"hint\" id=\"q-").Append(id).Append("-scale\">").Append(enc.Encode(texts["NpsScale"])).Append("</p>");
        }

        foreach (var (value, label) in options)
        {
            var optionId = $"q-{id}-{enc.Encode(value)}";
            html.Append("<label for=\"").Append(optionId).Append("\"><input type=\"").Append(type).Append("\" id=\"").Append(optionId).Append("\" name=\"").Append(name)
                .Append("\" value=\"").Append(enc.Encode(value)).Append('"').Append(previous.Contains(value) ? " checked" : string.Empty).Append("> ")
                .Append(enc.Encode(label)).Append("</label>");
        }

        html.Append("</div></fieldset>");
    }

    private static string? Condition(SurveyDefinition survey, QuestionDefinition question, string locale, PageTexts texts)
    {
        if (question.ShowIf is not { } condition)
        {
            return null;
        }

        var about = Label(survey, condition.Question!, locale);
        var asked = survey.Questions!.First(q => q!.Id == condition.Question)!;
        var when = condition switch
        {
            { LessThan: { } less, GreaterThan: { } more } => texts.Format("ConditionBetween", more, less),
            { LessThan: { } less } => texts.Format("ConditionLess", less),
            { GreaterThan: { } more } => texts.Format("ConditionMore", more),
            _ => texts.Format("ConditionChoices", string.Join(texts["Or"], condition.AnyOf!.Select(c => asked.Choices!.First(o => o!.Id == c)!.Text.In(locale, survey.DefaultLocale!)))),
        };
        return texts.Format("ConditionHint", when, about);
    }

    /// <summary>
    /// Hides each conditional question until an answer that asks it is checked, by CSS alone (<c>:has</c>), so the
    /// page needs no script. A browser without <c>:has</c> shows every question with its condition as a hint.
    /// </summary>
    private static string ConditionCss(SurveyDefinition survey)
    {
        var css = new StringBuilder();
        foreach (var question in survey.Questions!.Select(q => q!).Where(q => q.ShowIf is not null))
        {
            var condition = question.ShowIf!;
            var asked = survey.Questions!.First(q => q!.Id == condition.Question)!;
            var values = asked.IsScale
                ? Enumerable.Range(asked.Min, asked.Max - asked.Min + 1).Where(n => condition.IsMetBy(new Answer(asked.Id!, n, null, null))).Select(n => n.ToString(CultureInfo.InvariantCulture))
                : condition.AnyOf!;
            var shown = Shown(question);
            css.Append(shown).Append("{display:none}");
            var enabling = string.Join(',', values.Select(v => $"#q-{asked.Id}-{v}:checked"));
            if (enabling.Length > 0)
            {
                css.Append("form:has(").Append(enabling).Append(") ").Append(shown).Append("{display:block}");
            }
        }

        return css.Length == 0 ? string.Empty : $"@supports selector(:has(*)){{{css}}}";
    }

    /// <summary>The fieldset of a question (ids are letters, digits, dashes and underscores: safe in a selector).</summary>
    private static string Shown(QuestionDefinition question) => question.Type == "text" ? $"#f-{question.Id}" : $"#q-{question.Id}";

    private static string Label(SurveyDefinition survey, string questionId, string locale) =>
        survey.Questions!.First(q => q!.Id == questionId)!.Text.In(locale, survey.DefaultLocale!);

    private static void Start(StringBuilder html, string title, string locale, string css = "") =>
        html.Append("<!DOCTYPE html><html lang=\"").Append(Html.Encode(locale)).Append("\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>").Append(Html.Encode(title))
            .Append("</title><style>").Append(Css).Append(".visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}").Append(css).Append("</style></head><body><main>");

    private static IResult End(StringBuilder html, int status)
    {
        html.Append("</main></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}
