using System.Text.Json;
using Loyalty.Campaigns.Persistence;
using Loyalty.Campaigns.Scores;
using Loyalty.Consent.Contracts;
using Loyalty.Feedback.Contracts;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.Segments;

internal sealed record EvaluationDto(
    string State, DateTimeOffset QueuedAt, DateTimeOffset? StartedAt, DateTimeOffset? EvaluatedAt, int Processed, int Total, int Percent, int Entered, int Left,
    string? FailureReason);

internal sealed record SegmentDto(
    Guid Id, string Program, string Code, string Name, string Kind, bool Marketing, MemberCondition? Conditions, int MemberCount, EvaluationDto Evaluation,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, ScoreConditions? Scores, EngagementConditions? Engagement)
{
    public static SegmentDto From(Segment s) => new(
        s.Id, s.Program, s.Code, s.Name, s.Kind.ToString().ToLowerInvariant(), s.Marketing, s.ParseConditions(), s.MemberCount,
        new EvaluationDto(s.State.ToString().ToLowerInvariant(), s.QueuedAt, s.StartedAt, s.EvaluatedAt, s.Processed, s.Total,
            s.Total == 0 ? (s.State == EvaluationState.Done ? 100 : 0) : (int)(s.Processed * 100L / s.Total), s.Entered, s.Left, s.FailureReason),
        s.CreatedAt, s.UpdatedAt, s.ParseScores(), s.ParseEngagement());
}

internal sealed record PreviewDto(int Count);

internal sealed record SegmentMemberDto(Guid MemberId, DateTimeOffset Since);

internal sealed record SegmentChangeDto(Guid Id, Guid MemberId, string Change, DateTimeOffset At);

internal sealed record Page<T>(IReadOnlyList<T> Items, Guid? Next);

internal static class SegmentEndpoints
{
    public const int MaxPage = 1_000;

    private static readonly SegmentRequest Example = new(
        "lapsing-regulars", "Regulars who have not bought in 60 days", true,
        new MemberCondition(All:
        [
            new MemberCondition(Purchases: new PurchaseCount(365, 6)),
            new MemberCondition(DaysSinceLastPurchase: new ValueRange(60)),
            new MemberCondition(Not: new MemberCondition(Tier: ["gold"])),
        ]));

    public static void MapSegmentEndpoints(this RouteGroupBuilder api)
    {
        var segments = api.MapGroup("/programs/{program}/segments");
        segments.MapGet("/", List).RequireAuthorization(Policies.ViewPrograms);
        segments.MapGet("/{code}", Get).RequireAuthorization(Policies.ViewPrograms);
        segments.MapPost("/", Create).RequireAuthorization(Policies.ManagePrograms).WithIdempotencyKey<CampaignsDbContext>()
            .WithExample("Create a segment (evaluated by the next run of the segment job, within a minute)", Example);
        segments.MapPut("/{code}", Update).RequireAuthorization(Policies.ManagePrograms)
            .WithExample("Change a segment's definition or list (evaluated again)", Example);
        segments.MapDelete("/{code}", Delete).RequireAuthorization(Policies.ManagePrograms);
        segments.MapPost("/preview", Preview).RequireAuthorization(Policies.ManagePrograms)
            .WithExample("Count the members who meet conditions now, writing nothing", new PreviewRequest(Example.Conditions, true));
        segments.MapPost("/{code}/evaluate", Evaluate).RequireAuthorization(Policies.ManagePrograms).WithIdempotencyKey<CampaignsDbContext>()
            .WithSummary("Queue an evaluation now");
        segments.MapGet("/{code}/members", Members).RequireAuthorization(Policies.ManagePrograms);
        segments.MapGet("/{code}/history", History).RequireAuthorization(Policies.ManagePrograms);
    }

    private static async Task<Ok<List<SegmentDto>>> List(string program, CampaignsDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok((await db.Segments.AsNoTracking().Where(s => s.Program == program).OrderBy(s => s.Code).ToListAsync(cancellationToken))
            .Select(SegmentDto.From).ToList());

    private static async Task<Results<Ok<SegmentDto>, NotFound>> Get(string program, string code, CampaignsDbContext db, CancellationToken cancellationToken) =>
        await FindAsync(db, program, code, cancellationToken) is { } segment ? TypedResults.Ok(SegmentDto.From(segment)) : TypedResults.NotFound();

    private static async Task<Results<Created<SegmentDto>, ValidationProblem, ProblemHttpResult>> Create(
        string program, SegmentRequest request, CampaignsDbContext db, IMemberSelection selection, AuditTrail audit, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await selection.ProgramIdAsync(program, cancellationToken) is null)
        {
            return UnknownProgram(program);
        }

        if (await db.Segments.AnyAsync(s => s.Program == program && s.Code == request.Code, cancellationToken))
        {
            return TypedResults.Problem(title: "The segment exists.", detail: $"The program has a segment '{request.Code}'; change it with PUT.", statusCode: StatusCodes.Status409Conflict);
        }

        var list = await ResolveAsync(program, request, selection, cancellationToken);
        if (list.Errors is { } listErrors)
        {
            return listErrors.ToProblem();
        }

        var now = clock.GetUtcNow();
        var segment = new Segment
        {
            Id = Guid.CreateVersion7(now),
            Program = program,
            Code = request.Code!,
            Name = request.Name!,
            CreatedAt = now,
            Version = 1,
        };
        Apply(segment, request, now);
        db.Segments.Add(segment);
        db.SegmentListEntries.AddRange(list.MemberIds.Select(id => new SegmentListEntry { SegmentId = segment.Id, MemberId = id }));
        audit.Record(db, "campaigns.segment.created", "segment", segment.Id.ToString(), Details(segment, list.MemberIds.Count));
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/campaigns/programs/{program}/segments/{segment.Code}", SegmentDto.From(segment));
    }

    private static async Task<Results<Ok<SegmentDto>, ValidationProblem, NotFound>> Update(
        string program, string code, SegmentRequest request, CampaignsDbContext db, IMemberSelection selection, AuditTrail audit, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = request.Validate().Check(request.Code == code, "code", "The code cannot change; give the segment's code.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var segment = await db.Segments.SingleOrDefaultAsync(s => s.Program == program && s.Code == code, cancellationToken);
        if (segment is null)
        {
            return TypedResults.NotFound();
        }

        var list = await ResolveAsync(program, request, selection, cancellationToken);
        if (list.Errors is { } listErrors)
        {
            return listErrors.ToProblem();
        }

        var now = clock.GetUtcNow();
        segment.Name = request.Name!;
        segment.Version++;
        Apply(segment, request, now);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.SegmentListEntries.Where(e => e.SegmentId == segment.Id).ExecuteDeleteAsync(cancellationToken);
        db.SegmentListEntries.AddRange(list.MemberIds.Select(id => new SegmentListEntry { SegmentId = segment.Id, MemberId = id }));
        audit.Record(db, "campaigns.segment.changed", "segment", segment.Id.ToString(), Details(segment, list.MemberIds.Count));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(SegmentDto.From(segment));
    }

    private static async Task<Results<NoContent, NotFound>> Delete(
        string program, string code, CampaignsDbContext db, AuditTrail audit, CancellationToken cancellationToken)
    {
        var segment = await db.Segments.SingleOrDefaultAsync(s => s.Program == program && s.Code == code, cancellationToken);
        if (segment is null)
        {
            return TypedResults.NotFound();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.SegmentMembers.Where(m => m.SegmentId == segment.Id).ExecuteDeleteAsync(cancellationToken);
        await db.SegmentListEntries.Where(e => e.SegmentId == segment.Id).ExecuteDeleteAsync(cancellationToken);
        await db.SegmentChanges.Where(c => c.SegmentId == segment.Id).ExecuteDeleteAsync(cancellationToken);
        db.Segments.Remove(segment);
        audit.Record(db, "campaigns.segment.deleted", "segment", segment.Id.ToString(), new { program, code });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<PreviewDto>, ValidationProblem, ProblemHttpResult>> Preview(
        string program, PreviewRequest request, IMemberSelection selection, [FromServices] IConsentGate consent, [FromServices] ISurveyParticipation surveys,
        CampaignsDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors().Check(request.Conditions is not null, "conditions", "Give the conditions to count.");
        if (request.Conditions is not null)
        {
            SegmentConditions.Validate(request.Conditions, errors);
        }

        request.Scores?.Validate(errors);
        request.Engagement?.Validate(errors);

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await selection.ProgramIdAsync(program, cancellationToken) is not { } programId)
        {
            return UnknownProgram(program);
        }

        IReadOnlyCollection<Guid> excluded = request.Marketing ?? true ? await consent.ExcludedFromAsync(programId, ProcessingUse.Marketing, cancellationToken) : [];
        var query = new MemberSelectionQuery(program, request.Conditions!, excluded);
        if (request.Scores is null && request.Engagement is null)
        {
            return TypedResults.Ok(new PreviewDto(await selection.CountAsync(query, cancellationToken)));
        }

        // Scores and engagement are Campaigns' and the member conditions Members': counted page by page rather than in one query.
        var count = 0;
        var now = clock.GetUtcNow();
        for (Guid? after = null; ;)
        {
            var page = await selection.MemberIdsAsync(query, after, SegmentEvaluator.PageSize, cancellationToken);
            IReadOnlyList<Guid> belonging = page;
            if (request.Scores is { } scores)
            {
                belonging = await scores.FilterAsync(db, program, belonging, cancellationToken);
            }

            if (request.Engagement is { } engagement && belonging.Count > 0)
            {
                belonging = await engagement.FilterAsync(db, surveys, program, belonging, now, cancellationToken);
            }

            count += belonging.Count;
            if (page.Count < SegmentEvaluator.PageSize)
            {
                return TypedResults.Ok(new PreviewDto(count));
            }

            after = page[^1];
        }
    }

    private static async Task<Results<Accepted<SegmentDto>, NotFound>> Evaluate(
        string program, string code, CampaignsDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var segment = await db.Segments.SingleOrDefaultAsync(s => s.Program == program && s.Code == code, cancellationToken);
        if (segment is null)
        {
            return TypedResults.NotFound();
        }

        // A running evaluation is left to finish; asking again while it runs changes nothing.
        if (segment.State != EvaluationState.Running)
        {
            segment.State = EvaluationState.Queued;
            segment.QueuedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
        }

        return TypedResults.Accepted($"/api/campaigns/programs/{program}/segments/{code}", SegmentDto.From(segment));
    }

    private static async Task<Results<Ok<Page<SegmentMemberDto>>, ValidationProblem, NotFound>> Members(
        string program, string code, Guid? after, int? limit, CampaignsDbContext db, CancellationToken cancellationToken)
    {
        if (CheckLimit(limit) is { } invalid)
        {
            return invalid;
        }

        if (await FindAsync(db, program, code, cancellationToken) is not { } segment)
        {
            return TypedResults.NotFound();
        }

        var take = limit ?? 100;
        var members = db.SegmentMembers.AsNoTracking().Where(m => m.SegmentId == segment.Id);
        if (after is { } last)
        {
            members = members.Where(m => m.MemberId.CompareTo(last) > 0);
        }

        var items = await members.OrderBy(m => m.MemberId).Take(take).Select(m => new SegmentMemberDto(m.MemberId, m.Since)).ToListAsync(cancellationToken);
        return TypedResults.Ok(new Page<SegmentMemberDto>(items, items.Count == take ? items[^1].MemberId : null));
    }

    private static async Task<Results<Ok<Page<SegmentChangeDto>>, ValidationProblem, NotFound>> History(
        string program, string code, Guid? after, int? limit, CampaignsDbContext db, CancellationToken cancellationToken)
    {
        if (CheckLimit(limit) is { } invalid)
        {
            return invalid;
        }

        if (await FindAsync(db, program, code, cancellationToken) is not { } segment)
        {
            return TypedResults.NotFound();
        }

        var take = limit ?? 100;
        var changes = db.SegmentChanges.AsNoTracking().Where(c => c.SegmentId == segment.Id);
        if (after is { } last)
        {
            changes = changes.Where(c => c.Id.CompareTo(last) > 0);
        }

        var items = (await changes.OrderBy(c => c.Id).Take(take).ToListAsync(cancellationToken))
            .Select(c => new SegmentChangeDto(c.Id, c.MemberId, c.Entered ? "entered" : "left", c.At)).ToList();
        return TypedResults.Ok(new Page<SegmentChangeDto>(items, items.Count == take ? items[^1].Id : null));
    }

    private static ValidationProblem? CheckLimit(int? limit) =>
        limit is null or (>= 1 and <= MaxPage) ? null : new ValidationErrors().Check(false, "limit", $"Give 1 to {MaxPage:N0}.").ToProblem();

    private static Task<Segment?> FindAsync(CampaignsDbContext db, string program, string code, CancellationToken cancellationToken) =>
        db.Segments.AsNoTracking().SingleOrDefaultAsync(s => s.Program == program && s.Code == code, cancellationToken);

    private static void Apply(Segment segment, SegmentRequest request, DateTimeOffset now)
    {
        segment.Kind = request.Conditions is null ? SegmentKind.Static : SegmentKind.Rule;
        segment.Conditions = request.Conditions is null ? null : JsonSerializer.Serialize(request.Conditions, Segment.Json);
        segment.Scores = request.Scores is null ? null : JsonSerializer.Serialize(request.Scores, Segment.Json);
        segment.Engagement = request.Engagement is null ? null : JsonSerializer.Serialize(request.Engagement, Segment.Json);
        segment.Marketing = request.Marketing ?? true;
        segment.UpdatedAt = now;
        segment.State = EvaluationState.Queued;
        segment.QueuedAt = now;
    }

    /// <summary>Ids and settings only: the list's emails are personal data and are neither stored nor audited.</summary>
    private static object Details(Segment segment, int listSize) =>
        new { segment.Program, segment.Code, kind = segment.Kind.ToString().ToLowerInvariant(), segment.Marketing, conditions = segment.ParseConditions(), scores = segment.ParseScores(), engagement = segment.ParseEngagement(), listSize };

    private static async Task<(IReadOnlyList<Guid> MemberIds, ValidationErrors? Errors)> ResolveAsync(
        string program, SegmentRequest request, IMemberSelection selection, CancellationToken cancellationToken)
    {
        if (request.Members is not { } members)
        {
            return ([], null);
        }

        var list = await selection.ResolveAsync(program, members.Ids ?? [], members.Emails ?? [], cancellationToken);
        if (list.UnknownIds.Count == 0 && list.UnknownEmails.Count == 0)
        {
            return (list.MemberIds, null);
        }

        var errors = new ValidationErrors();
        foreach (var i in list.UnknownIds.Take(100))
        {
            errors.Check(false, $"members.ids[{i}]", "No member of the program has this id.");
        }

        foreach (var i in list.UnknownEmails.Take(100))
        {
            errors.Check(false, $"members.emails[{i}]", "No member of the program has this email.");
        }

        return ([], errors);
    }

    private static ProblemHttpResult UnknownProgram(string code) =>
        TypedResults.Problem(title: "Unknown program.", detail: $"There is no program '{code}'.", statusCode: StatusCodes.Status404NotFound);
}
