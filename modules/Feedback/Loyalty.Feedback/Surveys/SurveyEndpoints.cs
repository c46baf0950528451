using System.Text.Json;
using System.Text.RegularExpressions;
using Loyalty.Feedback.Persistence;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Feedback.Surveys;

internal sealed record SurveyDto(Guid Id, string Key, int Version, string Status, SurveyDefinition Definition, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt);

internal static partial class SurveyEndpoints
{
    public static void MapSurveyEndpoints(this RouteGroupBuilder api)
    {
        var surveys = api.MapGroup("/programs/{program}/surveys");
        surveys.MapGet("/", List).RequireAuthorization(Policies.ViewPrograms);
        surveys.MapGet("/{key}", Get).RequireAuthorization(Policies.ViewPrograms);
        surveys.MapGet("/{key}/versions/{version:int}", GetVersion).RequireAuthorization(Policies.ViewPrograms);
        surveys.MapPut("/{key}", Save).RequireAuthorization(Policies.ManagePrograms)
            .WithExample("A post-dinner NPS survey with a follow-up for detractors", Example);
        surveys.MapPost("/{key}/publish", Publish).RequireAuthorization(Policies.ManagePrograms);
    }

    private static readonly SurveyDefinition Example = new("en", new() { ["en"] = "How was your dinner?", ["de"] = "Wie war Ihr Abendessen?" }, null, false, 14, 3, ["bistro-berlin", "bistro-hamburg"],
    [
        new("nps", "nps", new() { ["en"] = "How likely are you to recommend us to a friend?" }, true, null, null, null),
        new("why", "text", new() { ["en"] = "What should we do better?" }, false, null, 1000, new("nps", 7, null, null)),
        new("visit", "single", new() { ["en"] = "Who were you with?" }, false, [new("alone", new() { ["en"] = "Alone" }), new("family", new() { ["en"] = "Family" })], null, null),
    ]);

    private static async Task<Ok<List<SurveyDto>>> List(string program, FeedbackDbContext db, CancellationToken cancellationToken)
    {
        var all = await db.Surveys.AsNoTracking().Where(s => s.Program == program).ToListAsync(cancellationToken);
        return TypedResults.Ok(all.GroupBy(s => s.Key).OrderBy(g => g.Key).Select(g => Dto(g.MaxBy(s => s.Version)!)).ToList());
    }

    private static async Task<Results<Ok<SurveyDto>, ProblemHttpResult>> Get(string program, string key, FeedbackDbContext db, CancellationToken cancellationToken) =>
        await LatestAsync(db, program, key, cancellationToken) is { } survey
            ? TypedResults.Ok(Dto(survey))
            : FeedbackProblems.Problem(FeedbackProblems.UnknownSurvey, $"There is no survey '{key}'.");

    private static async Task<Results<Ok<SurveyDto>, ProblemHttpResult>> GetVersion(string program, string key, int version, FeedbackDbContext db, CancellationToken cancellationToken) =>
        await db.Surveys.AsNoTracking().SingleOrDefaultAsync(s => s.Program == program && s.Key == key && s.Version == version, cancellationToken) is { } survey
            ? TypedResults.Ok(Dto(survey))
            : FeedbackProblems.Problem(FeedbackProblems.UnknownSurvey, $"There is no version {version} of survey '{key}'.");

    /// <summary>
    /// Creates the survey as a draft, changes its draft, or (when the latest version is published) starts the next
    /// version as a draft: a published version never changes, so its responses keep the questions they answered.
    /// </summary>
    private static async Task<Results<Created<SurveyDto>, Ok<SurveyDto>, ValidationProblem>> Save(
        string program, string key, SurveyDefinition request, FeedbackDbContext db, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = request.Validate().Check(SurveyKey().IsMatch(key), "key", "Use 2-50 lower-case letters, digits and dashes, starting with a letter.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var now = clock.GetUtcNow();
        var definition = JsonSerializer.Serialize(request, Survey.Json);
        var latest = await db.Surveys.SingleOrDefaultAsync(s => s.Program == program && s.Key == key && s.Version == db.Surveys.Where(o => o.Program == program && o.Key == key).Max(o => o.Version), cancellationToken);
        if (latest is { Status: SurveyStatus.Draft })
        {
            latest.Definition = definition;
            latest.UpdatedAt = now;
            audit.Record(db, "feedback.survey.changed", "survey", latest.Id.ToString(), new { program, key, latest.Version });
            await db.SaveChangesAsync(cancellationToken);
            return TypedResults.Ok(Dto(latest));
        }

        var survey = new Survey
        {
            Id = Guid.CreateVersion7(now),
            Program = program,
            Key = key,
            Version = (latest?.Version ?? 0) + 1,
            Status = SurveyStatus.Draft,
            Definition = definition,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Surveys.Add(survey);
        audit.Record(db, "feedback.survey.created", "survey", survey.Id.ToString(), new { program, key, survey.Version });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/feedback/programs/{program}/surveys/{key}/versions/{survey.Version}", Dto(survey));
    }

    private static async Task<Results<Ok<SurveyDto>, ProblemHttpResult>> Publish(
        string program, string key, FeedbackDbContext db, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var versions = await db.Surveys.Where(s => s.Program == program && s.Key == key).ToListAsync(cancellationToken);
        if (versions.Count == 0)
        {
            return FeedbackProblems.Problem(FeedbackProblems.UnknownSurvey, $"There is no survey '{key}'.");
        }

        var latest = versions.MaxBy(s => s.Version)!;
        if (latest.Status != SurveyStatus.Draft)
        {
            return FeedbackProblems.Problem(FeedbackProblems.NothingToPublish, $"Version {latest.Version} is published; change the survey to make a new version.");
        }

        var now = clock.GetUtcNow();
        foreach (var published in versions.Where(s => s.Status == SurveyStatus.Published))
        {
            published.Status = SurveyStatus.Superseded;
            published.UpdatedAt = now;
        }

        latest.Status = SurveyStatus.Published;
        latest.PublishedAt = now;
        latest.UpdatedAt = now;
        audit.Record(db, "feedback.survey.published", "survey", latest.Id.ToString(), new { program, key, latest.Version });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(Dto(latest));
    }

    public static Task<Survey?> LatestAsync(FeedbackDbContext db, string program, string key, CancellationToken cancellationToken) =>
        db.Surveys.AsNoTracking().Where(s => s.Program == program && s.Key == key).OrderByDescending(s => s.Version).FirstOrDefaultAsync(cancellationToken);

    public static Task<Survey?> PublishedAsync(FeedbackDbContext db, string program, string key, CancellationToken cancellationToken) =>
        db.Surveys.AsNoTracking().SingleOrDefaultAsync(s => s.Program == program && s.Key == key && s.Status == SurveyStatus.Published, cancellationToken);

    private static SurveyDto Dto(Survey s) =>
        new(s.Id, s.Key, s.Version, JsonNamingPolicy.CamelCase.ConvertName(s.Status.ToString()), s.Parsed(), s.CreatedAt, s.UpdatedAt, s.PublishedAt);

    [GeneratedRegex("^[a-z][a-z0-9-]{1,49}$", RegexOptions.CultureInvariant)]
    private static partial Regex SurveyKey();
}
