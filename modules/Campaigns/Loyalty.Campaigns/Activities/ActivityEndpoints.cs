using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Loyalty.Campaigns.EarningRules;
using Loyalty.Campaigns.Persistence;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.Activities;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record ActivityTypeRequest(string? Code, string? Name, string? Status);

internal sealed record ActivityTypeDto(string Code, string Name, string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ActivityTypeDto From(ActivityType type) => new(type.Code, type.Name, type.Status.ToString().ToLowerInvariant(), type.CreatedAt, type.UpdatedAt);
}

/// <summary>An activity and what it earned: <see cref="Rules"/> lists every activity rule considered, as simulate does.</summary>
internal sealed record ActivityDto(
    string ExternalId, Guid MemberId, string Type, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt, long Points, bool Credited, IReadOnlyList<RuleOutcome> Rules,
    IReadOnlyDictionary<string, string>? Attributes)
{
    public static ActivityDto From(ActivityRecord a) => new(
        a.ExternalId, a.MemberId, a.Type, a.OccurredAt, a.RecordedAt, a.Points, a.Credited,
        JsonSerializer.Deserialize<List<RuleOutcome>>(a.Rules, ActivityRecorder.Json) ?? [], ActivityAttributes.FromJson(a.Attributes));
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record ActivitySimulationRequest(Guid? MemberId, string? Type, DateTimeOffset? OccurredAt, Dictionary<string, string>? Attributes = null);

internal static class ActivityEndpoints
{
    public static void MapActivityEndpoints(this RouteGroupBuilder api)
    {
        var types = api.MapGroup("/programs/{program}/activity-types");
        types.MapGet("/", ListTypes).RequireAuthorization(Policies.ViewPrograms);
        types.MapGet("/{code}", GetActivityType).RequireAuthorization(Policies.ViewPrograms);
        types.MapPost("/", CreateType).RequireAuthorization(Policies.ManagePrograms).WithIdempotencyKey<CampaignsDbContext>()
            .WithExample("Define a custom activity type", new ActivityTypeRequest("post-dinner-survey", "Post-dinner survey", "active"));
        types.MapPut("/{code}", UpdateType).RequireAuthorization(Policies.ManagePrograms)
            .WithExample("Rename or deactivate an activity type", new ActivityTypeRequest(null, "Post-dinner survey (2027)", "inactive"));

        api.MapPost("/programs/{program}/activities", Record).RequireAuthorization(Policies.Integrate)
            .WithExample("Record a member's activity and earn under the activity rules", new ActivityRequest(
                "survey-88123", Guid.Parse("0193a8f2-5c1e-7d40-9b4e-2f6a1c3d4e5f"), "post-dinner-survey", new DateTimeOffset(2026, 11, 20, 21, 15, 0, TimeSpan.Zero),
                new Dictionary<string, string> { ["restaurant"] = "berlin-mitte", ["rating"] = "5" }));
        api.MapGet("/programs/{program}/activities/{externalId}", Get).RequireAuthorization(Policies.ViewPrograms);
        api.MapPost("/programs/{program}/activities/simulate", Simulate).RequireAuthorization(Policies.ViewPrograms)
            .WithExample("Explain what an activity of a member would earn under the active activity rules, writing nothing", new ActivitySimulationRequest(
                Guid.Parse("0193a8f2-5c1e-7d40-9b4e-2f6a1c3d4e5f"), "post-dinner-survey", new DateTimeOffset(2026, 11, 20, 21, 15, 0, TimeSpan.Zero),
                new Dictionary<string, string> { ["restaurant"] = "berlin-mitte" }));
    }

    private static async Task<Ok<List<ActivityTypeDto>>> ListTypes(string program, CampaignsDbContext db, CancellationToken cancellationToken)
    {
        var types = await db.ActivityTypes.AsNoTracking().Where(t => t.Program == program).OrderBy(t => t.Code).ToListAsync(cancellationToken);
        return TypedResults.Ok(types.Select(ActivityTypeDto.From).ToList());
    }

    private static async Task<Results<Ok<ActivityTypeDto>, NotFound>> GetActivityType(string program, string code, CampaignsDbContext db, CancellationToken cancellationToken) =>
        await db.ActivityTypes.AsNoTracking().SingleOrDefaultAsync(t => t.Program == program && t.Code == code, cancellationToken) is { } type
            ? TypedResults.Ok(ActivityTypeDto.From(type))
            : TypedResults.NotFound();

    private static async Task<Results<Created<ActivityTypeDto>, ValidationProblem, ProblemHttpResult>> CreateType(
        string program, ActivityTypeRequest request, CampaignsDbContext db, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = Validate(request, creating: true).Check(program.Length <= 50, "program", "A program code has at most 50 characters.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var now = clock.GetUtcNow();
        var type = new ActivityType
        {
            Id = Guid.CreateVersion7(now), Program = program, Code = request.Code!, Name = request.Name!.Trim(),
            Status = ParseStatus(request.Status) ?? ActivityTypeStatus.Active, CreatedAt = now, UpdatedAt = now,
        };
        db.ActivityTypes.Add(type);
        audit.Record(db, "campaigns.activity-type.created", "activity-type", $"{program}/{type.Code}", new { program, type.Code, type.Name, status = type.Status.ToString() });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return TypedResults.Problem(title: "The activity type exists.", detail: $"The program has an activity type '{type.Code}'; change it with PUT.", statusCode: StatusCodes.Status409Conflict);
        }

        return TypedResults.Created($"/api/campaigns/programs/{program}/activity-types/{type.Code}", ActivityTypeDto.From(type));
    }

    /// <summary>The code is the type's identity (rules name it): it cannot change; the name and status can.</summary>
    private static async Task<Results<Ok<ActivityTypeDto>, ValidationProblem, NotFound>> UpdateType(
        string program, string code, ActivityTypeRequest request, CampaignsDbContext db, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = Validate(request, creating: false).Check(request.Code is null || request.Code == code, "code", "The code cannot change; create another type.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var type = await db.ActivityTypes.SingleOrDefaultAsync(t => t.Program == program && t.Code == code, cancellationToken);
        if (type is null)
        {
            return TypedResults.NotFound();
        }

        var before = new { type.Name, status = type.Status.ToString() };
        type.Name = request.Name!.Trim();
        type.Status = ParseStatus(request.Status) ?? type.Status;
        type.UpdatedAt = clock.GetUtcNow();
        audit.Record(db, "campaigns.activity-type.updated", "activity-type", $"{program}/{type.Code}", new { program, type.Code, before, after = new { type.Name, status = type.Status.ToString() } });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(ActivityTypeDto.From(type));
    }

    private static ValidationErrors Validate(ActivityTypeRequest request, bool creating)
    {
        var errors = new ValidationErrors()
            .Check(!string.IsNullOrWhiteSpace(request.Name) && request.Name.Trim().Length <= 200, "name", "A name of 1-200 characters is required.")
            .Check(request.Status is null || ParseStatus(request.Status) is not null, "status", "Use active or inactive.");
        if (creating)
        {
            errors
                .Check(ActivityTriggers.IsCustomCode(request.Code), "code", "Give a code of 2-50 lower-case letters, digits and dashes, starting with a letter, such as post-dinner-survey.")
                .Check(request.Code is not ActivityTriggers.Purchase, "code", "purchase is what purchase rules answer; choose another code.");
        }

        return errors;
    }

    private static ActivityTypeStatus? ParseStatus(string? status) => status?.ToLowerInvariant() switch
    {
        "active" => ActivityTypeStatus.Active,
        "inactive" => ActivityTypeStatus.Inactive,
        _ => null,
    };

    /// <summary>
    /// Records an activity and credits what the activity rules give. Idempotent on <c>externalId</c>: the same activity
    /// again answers the first result (200) and credits nothing; another activity under the id is a conflict (409).
    /// </summary>
    private static async Task<Results<Created<ActivityDto>, Ok<ActivityDto>, ValidationProblem, ProblemHttpResult>> Record(
        string program, ActivityRequest request, ActivityRecorder recorder, CancellationToken cancellationToken) =>
        await recorder.RecordAsync(program, request, cancellationToken) switch
        {
            ActivityOutcome.Recorded { IsNew: true } recorded =>
                TypedResults.Created($"/api/campaigns/programs/{program}/activities/{Uri.EscapeDataString(recorded.Activity.ExternalId)}", ActivityDto.From(recorded.Activity)),
            ActivityOutcome.Recorded recorded => TypedResults.Ok(ActivityDto.From(recorded.Activity)),
            ActivityOutcome.Invalid invalid => invalid.Errors.ToProblem(),
            ActivityOutcome.Conflict conflict => TypedResults.Problem(title: "Another activity has this external id.", detail: conflict.Detail, statusCode: StatusCodes.Status409Conflict),
            ActivityOutcome.Refused refused => TypedResults.Problem(title: refused.Title, detail: refused.Detail, statusCode: StatusCodes.Status422UnprocessableEntity),
            ActivityOutcome.UnknownMember => TypedResults.Problem(title: "Unknown member.", detail: "No member of this program has the id given.", statusCode: StatusCodes.Status404NotFound),
            var other => throw new UnreachableException($"Unhandled outcome {other.GetType().Name}."),
        };

    /// <summary>The member as Members knows them now, the activity rules as they are active now; caps as far as they are used.</summary>
    private static async Task<Results<Ok<SimulationDto>, ValidationProblem, ProblemHttpResult>> Simulate(
        string program, ActivitySimulationRequest request, ActivityRecorder recorder, IActivityPoints members, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors()
            .Check(request.MemberId is not null, "memberId", "Give the member's id.")
            .Check(!string.IsNullOrWhiteSpace(request.Type), "type", "Give the activity type.");
        ActivityAttributes.Validate(errors, request.Attributes);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await members.FindAsync(program, request.MemberId!.Value, cancellationToken) is not { } member)
        {
            return TypedResults.Problem(title: "Unknown member.", detail: "No member of this program has the id given.", statusCode: StatusCodes.Status404NotFound);
        }

        var earning = ActivityRecorder.AsEarningRequest(member, "simulation", request.OccurredAt ?? clock.GetUtcNow(), request.Attributes);
        var evaluation = await recorder.SimulateAsync(earning, request.Type!, cancellationToken);
        return TypedResults.Ok(new SimulationDto(evaluation.Decision.Points, evaluation.Decision.LinePoints, evaluation.BasePoints, evaluation.TierMultiplier, evaluation.Rules));
    }

    private static async Task<Results<Ok<ActivityDto>, NotFound>> Get(string program, string externalId, CampaignsDbContext db, CancellationToken cancellationToken) =>
        await db.Activities.AsNoTracking().SingleOrDefaultAsync(a => a.Program == program && a.ExternalId == externalId, cancellationToken) is { } activity
            ? TypedResults.Ok(ActivityDto.From(activity))
            : TypedResults.NotFound();
}
