using Loyalty.Feedback.Contracts;
using Loyalty.Feedback.Distribution;
using Loyalty.Feedback.Persistence;
using Loyalty.Feedback.Surveys;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace Loyalty.Feedback.Answering;

/// <summary>
/// The public answer page. A personal link's token is the only credential: it names one send, so a cross-site post
/// cannot answer for a member without knowing their link, and an anti-forgery cookie would add nothing but break
/// links opened in another browser. The page is neither cached nor framed, and sends no referrer (the token is in
/// the address).
/// </summary>
internal static class AnswerEndpoints
{
    public const long MaxFormBytes = 256 * 1024;

    public static void MapAnswerEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/s/{token}", ShowPersonal).AllowAnonymous().ExcludeFromDescription();
        api.MapPost("/s/{token}", AnswerPersonal).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();
        api.MapGet("/public/{program}/{key}", ShowAnonymous).AllowAnonymous().ExcludeFromDescription();
        api.MapPost("/public/{program}/{key}", AnswerAnonymous).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();
    }

    private static async Task<IResult> ShowPersonal(
        string token, HttpContext http, FeedbackDbContext db, SurveyLinks links, IMessageRecipients recipients, TimeProvider clock, CancellationToken cancellationToken)
    {
        Protect(http);
        var (_, survey, locale, refusal) = await OpenAsync(token, http, db, links, recipients, clock, cancellationToken);
        return refusal ?? AnswerPage.Form(survey!.Parsed(), locale, http.Request.Path, new Dictionary<string, string>(), null);
    }

    private static async Task<IResult> AnswerPersonal(
        string token, HttpContext http, FeedbackDbContext db, SurveyLinks links, IMessageRecipients recipients, IMemberPoints members, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        Protect(http);
        var (send, survey, locale, refusal) = await OpenAsync(token, http, db, links, recipients, clock, cancellationToken);
        return refusal ?? await SubmitAsync(http, db, survey!, send, locale, members, clock, cancellationToken);
    }

    private static async Task<IResult> ShowAnonymous(string program, string key, HttpContext http, FeedbackDbContext db, CancellationToken cancellationToken)
    {
        Protect(http);
        if (await AnonymousSurveyAsync(program, key, db, cancellationToken) is not { } survey)
        {
            return NotOpen(Locale(http, null));
        }

        var definition = survey.Parsed();
        return AnswerPage.Form(definition, Locale(http, definition), http.Request.Path, new Dictionary<string, string>(), null);
    }

    private static async Task<IResult> AnswerAnonymous(
        string program, string key, HttpContext http, FeedbackDbContext db, IMemberPoints members, TimeProvider clock, CancellationToken cancellationToken)
    {
        Protect(http);
        return await AnonymousSurveyAsync(program, key, db, cancellationToken) is { } survey
            ? await SubmitAsync(http, db, survey, null, Locale(http, survey.Parsed()), members, clock, cancellationToken)
            : NotOpen(Locale(http, null));
    }

    /// <summary>Checks every answer first; then the response, its answers, the send's mark and the event are one transaction.</summary>
    private static async Task<IResult> SubmitAsync(
        HttpContext http, FeedbackDbContext db, Survey survey, SurveySend? send, string locale, IMemberPoints members, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var definition = survey.Parsed();
        if (http.Request.ContentLength > MaxFormBytes || !http.Request.HasFormContentType)
        {
            return AnswerPage.Message(locale, "UnreadableTitle", "NotAFormText", StatusCodes.Status413PayloadTooLarge);
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(new FormOptions { ValueLengthLimit = (int)MaxFormBytes, ValueCountLimit = 500, KeyLengthLimit = 100 }, cancellationToken);
        }
        catch (InvalidDataException)
        {
            return AnswerPage.Message(locale, "UnreadableTitle", "TooLargeText", StatusCodes.Status413PayloadTooLarge);
        }

        var (answers, errors) = AnswerForm.Read(definition, form, new PageTexts(locale));
        if (errors.Count > 0)
        {
            return AnswerPage.Form(definition, locale, http.Request.Path, errors, form, StatusCodes.Status400BadRequest);
        }

        var now = clock.GetUtcNow();
        var standing = send is null ? null : await members.FindStandingAsync(send.Program, send.MemberId, cancellationToken);
        var response = new SurveyResponse
        {
            Id = Guid.CreateVersion7(now),
            Program = survey.Program,
            SurveyKey = survey.Key,
            SurveyId = survey.Id,
            SurveyVersion = survey.Version,
            SendId = send?.Id,
            MemberId = send?.MemberId,
            TierCode = standing?.TierCode,
            Locale = locale,
            SubmittedAt = now,
        };
        response.Answers.AddRange(answers.Select(a => new SurveyAnswer
        {
            Id = Guid.CreateVersion7(now),
            ResponseId = response.Id,
            QuestionId = a.QuestionId,
            Score = a.Score,
            Choices = a.Choices is null ? null : string.Join(',', a.Choices),
            Text = a.Text,
        }));

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (send is not null)
        {
            var marked = await db.Sends.Where(s => s.Id == send.Id && s.RespondedAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(s => s.RespondedAt, now), cancellationToken);
            if (marked == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return AlreadyAnswered(locale);
            }

            db.Publish(new SurveyCompleted(Guid.CreateVersion7(now), now, send.ProgramId, send.MemberId, survey.Key, survey.Version, response.Id, send.Id));
        }

        db.Responses.Add(response);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (send is not null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return AlreadyAnswered(locale);
        }

        await transaction.CommitAsync(cancellationToken);
        return AnswerPage.Message(locale, "ThanksTitle", "ThanksText", StatusCodes.Status200OK);
    }

    /// <summary>The send and survey of a personal link, the page's language, or the page that refuses the link.</summary>
    private static async Task<(SurveySend? Send, Survey? Survey, string Locale, IResult? Refusal)> OpenAsync(
        string token, HttpContext http, FeedbackDbContext db, SurveyLinks links, IMessageRecipients recipients, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (links.SendId(token) is not { } sendId || await db.Sends.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sendId, cancellationToken) is not { } send)
        {
            var asked = Locale(http, null);
            return (null, null, asked, AnswerPage.Message(asked, "InvalidLinkTitle", "InvalidLinkText", StatusCodes.Status404NotFound));
        }

        if (send.RevokedAt is not null)
        {
            var asked = Locale(http, null);
            return (send, null, asked, AnswerPage.Message(asked, "RevokedTitle", "RevokedText", StatusCodes.Status410Gone));
        }

        var memberLocale = (await recipients.FindAsync(send.Program, [send.MemberId], cancellationToken)).SingleOrDefault()?.Locale;
        var survey = await db.Surveys.AsNoTracking().SingleAsync(s => s.Id == send.SurveyId, cancellationToken);
        var locale = Locale(http, survey.Parsed(), memberLocale);
        if (send.RespondedAt is not null)
        {
            return (send, null, locale, AlreadyAnswered(locale));
        }

        return send.ExpiresAt <= clock.GetUtcNow()
            ? (send, null, locale, AnswerPage.Message(locale, "ClosedTitle", "ClosedText", StatusCodes.Status410Gone))
            : (send, survey, locale, null);
    }

    private static async Task<Survey?> AnonymousSurveyAsync(string program, string key, FeedbackDbContext db, CancellationToken cancellationToken) =>
        await SurveyEndpoints.PublishedAsync(db, program, key, cancellationToken) is { } survey && survey.Parsed().AllowAnonymous == true ? survey : null;

    private static IResult AlreadyAnswered(string locale) =>
        AnswerPage.Message(locale, "AnsweredTitle", "AnsweredText", StatusCodes.Status409Conflict);

    private static IResult NotOpen(string locale) =>
        AnswerPage.Message(locale, "NotOpenTitle", "NotOpenText", StatusCodes.Status404NotFound);

    /// <summary>
    /// The language asked (<c>lang</c>, else the member's own language on a personal link, else the browser's first
    /// language) if the survey has texts in it, else the survey's default.
    /// </summary>
    private static string Locale(HttpContext http, SurveyDefinition? survey, string? memberLocale = null)
    {
        var asked = http.Request.Query["lang"].FirstOrDefault() ?? memberLocale
            ?? (http.Request.GetTypedHeaders().AcceptLanguage.OrderByDescending(l => l.Quality ?? 1).FirstOrDefault()?.Value.Value);
        if (survey is null)
        {
            return asked is { Length: <= 20 } ? asked : "en";
        }

        var locales = survey.Title!.Keys;
        return asked is not null && locales.FirstOrDefault(l => string.Equals(l, asked, StringComparison.OrdinalIgnoreCase) || l.StartsWith(asked.Split('-')[0], StringComparison.OrdinalIgnoreCase)) is { } known
            ? known
            : survey.DefaultLocale!;
    }

    private static void Protect(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers[HeaderNames.CacheControl] = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
        headers[HeaderNames.XFrameOptions] = "DENY";
        headers[HeaderNames.ContentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
    }
}
