using Loyalty.Consent.Erasure;
using Loyalty.Consent.Exports;
using Loyalty.Consent.Persistence;
using Loyalty.Consent.Restrictions;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Loyalty.Consent.Requests;

internal static class RequestEndpoints
{
    public const int QueueLimit = 500;

    public static void MapRequestEndpoints(this RouteGroupBuilder api)
    {
        var requests = api.MapGroup("/requests");
        requests.MapPost("/", File).RequireAuthorization(Policies.ProtectData).WithIdempotencyKey<ConsentDbContext>()
            .WithExample("File a data subject request on the person's behalf", new FileRequest(
                "access", null, "ada@example.com", null, "Replied from the email address registered with her account", "Asked by phone on 2 Dec"));
        api.MapPost("/members/{memberId:guid}/requests", FileForMember).RequireAuthorization(Policies.Integrate).WithIdempotencyKey<ConsentDbContext>()
            .WithExample("File a request for a member signed in to the shop", new FileMemberRequest("erasure", "Signed in to the shop account"));
        requests.MapGet("/", Queue).RequireAuthorization(Policies.ProtectData);
        requests.MapGet("/{requestId:guid}", Get).RequireAuthorization(Policies.ProtectData).WithName("GetDataSubjectRequest");
        requests.MapGet("/{requestId:guid}/audit", AuditTrailOf).RequireAuthorization(Policies.ProtectData)
            .WithSummary("The request's audit trail, oldest first: filing, status changes, runs, links, downloads and reads of it.");
        requests.MapPut("/{requestId:guid}/handling", Handle).RequireAuthorization(Policies.ProtectData)
            .WithExample("Assign the request and keep notes", new HandlingRequest("dora", "Waiting for the shop's order history"));
        requests.MapPost("/{requestId:guid}/status", ChangeStatus).RequireAuthorization(Policies.ProtectData)
            .WithExample("Move the request on, or reject it with a reason", new ChangeStatusRequest("rejected", "Identity could not be verified"));
        requests.MapPost("/{requestId:guid}/extension", Extend).RequireAuthorization(Policies.ProtectData)
            .WithExample("Extend the deadline by up to two months (Art. 12(3))", new ExtendRequest(2, "Complex request: data of twelve years across three stores"));
        requests.MapPost("/{requestId:guid}/subject", MatchSubject).RequireAuthorization(Policies.ProtectData)
            .WithExample("Name the member an unmatched request is about", new MatchSubjectRequest(Guid.Parse("0193a6b2-7c1e-7d3a-9f00-1b2c3d4e5f60")));
        requests.MapPost("/{requestId:guid}/export", Export).RequireAuthorization(Policies.ProtectData);
        requests.MapPost("/{requestId:guid}/erasure", Erase).RequireAuthorization(Policies.ProtectData);
    }

    private static async Task<Results<CreatedAtRoute<RequestDto>, Ok<RequestDto>, ValidationProblem>> File(
        FileRequest body, RequestFiling filing, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var given = new[] { body.MemberId is not null, !string.IsNullOrWhiteSpace(body.Email), !string.IsNullOrWhiteSpace(body.Phone) }.Count(g => g);
        errors.Check(given == 1, "memberId", "Give exactly one of memberId, email or phone: the member, or the contact the request came from.")
            .Check(body.Email is null || (body.Email.Length <= 320 && body.Email.Contains('@')), "email", "Give an email address of at most 320 characters.")
            .Check(body.Phone is null || (body.Phone.Length <= 40 && body.Phone.Any(char.IsAsciiDigit)), "phone", "Give a phone number of at most 40 characters.")
            .CheckText(body.Notes, "notes", required: false, max: 8000);
        var contact = body.Email?.Trim().ToLowerInvariant() ?? body.Phone?.Trim();
        return await filing.FileAsync(body.Type, body.MemberId, body.MemberId is null ? contact : null, body.Verification, body.Notes, errors, cancellationToken);
    }

    private static Task<Results<CreatedAtRoute<RequestDto>, Ok<RequestDto>, ValidationProblem>> FileForMember(
        Guid memberId, FileMemberRequest body, RequestFiling filing, CancellationToken cancellationToken) =>
        filing.FileAsync(body.Type, memberId, null, body.Verification, null, new ValidationErrors(), cancellationToken);

    /// <summary>The DPO's work queue: open requests, the earliest due first.</summary>
    private static async Task<Ok<List<RequestDto>>> Queue(
        ConsentDbContext db, TimeProvider clock, IOptions<ConsentOptions> options, CancellationToken cancellationToken, bool includeClosed = false)
    {
        var closed = new[] { RequestStatus.Completed, RequestStatus.Rejected };
        var requests = await db.Requests.AsNoTracking()
            .Where(r => includeClosed || !closed.Contains(r.Status))
            .OrderBy(r => r.ExtendedDueOn ?? r.DueOn).ThenBy(r => r.ReceivedAt).ThenBy(r => r.Id)
            .Take(QueueLimit)
            .ToListAsync(cancellationToken);
        var today = Today(clock);
        return TypedResults.Ok(requests.Select(r => RequestDto.From(r, today, options.Value.DueSoonDays)).ToList());
    }

    /// <summary>An unmatched request names no member, so its reading is not a read of a member's data and is not audited.</summary>
    private static async Task<Results<Ok<RequestDto>, NotFound>> Get(Guid requestId, RequestViews views, ConsentDbContext db, AuditTrail audit, CancellationToken cancellationToken)
    {
        if (await views.FindAsync(requestId, cancellationToken) is not { } view)
        {
            return TypedResults.NotFound();
        }

        if (view.MemberId is { } memberId)
        {
            audit.RecordPersonalDataAccess(db, "consent.request.viewed", memberId, new { request = requestId });
            await db.SaveChangesAsync(cancellationToken);
        }

        return TypedResults.Ok(view);
    }

    /// <summary>
    /// What was done with the request, oldest first: the entries about the request itself, and the reads and downloads of
    /// the member's data that name it. Entries name members by id only, so the trail holds no personal data.
    /// </summary>
    private static async Task<Results<Ok<List<RequestAuditEntryDto>>, NotFound>> AuditTrailOf(Guid requestId, ConsentDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Requests.AnyAsync(r => r.Id == requestId, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        var id = requestId.ToString();
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(a => (a.EntityType == "request" && a.EntityId == id) || (a.EntityType == AuditTrail.PersonalDataAccess && a.Details != null && a.Details.Contains(id)))
            .OrderBy(a => a.OccurredAt).ThenBy(a => a.Id)
            .Take(QueueLimit)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(entries.Select(a => new RequestAuditEntryDto(a.OccurredAt, a.Actor, a.Action, a.Details)).ToList());
    }

    private static async Task<Results<Ok<RequestDto>, NotFound, ValidationProblem, ProblemHttpResult>> Handle(
        Guid requestId, HandlingRequest body, ConsentDbContext db, RequestViews views, AuditTrail audit, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors().CheckText(body.Assignee, "assignee", required: false, max: 200).CheckText(body.Notes, "notes", required: false, max: 8000);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var request = await db.Requests.SingleOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        if (request is null)
        {
            return TypedResults.NotFound();
        }

        var changed = new List<string>();
        if (request.Assignee != body.Assignee)
        {
            (request.Assignee, changed) = (body.Assignee, [.. changed, "assignee"]);
        }

        if (request.Notes != body.Notes)
        {
            (request.Notes, changed) = (body.Notes, [.. changed, "notes"]);
        }

        // The assignee is a staff name, the notes may mention the person: only which fields changed is audited.
        audit.Record(db, "consent.request.handling-changed", "request", request.Id.ToString(), new { changed, assignee = request.Assignee });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok((await views.FindAsync(requestId, cancellationToken))!);
    }

    private static async Task<Results<Ok<RequestDto>, NotFound, ValidationProblem, ProblemHttpResult>> ChangeStatus(
        Guid requestId, ChangeStatusRequest body, ConsentDbContext db, RequestViews views, AuditTrail audit, TimeProvider clock, IMemberIdentities members,
        CurrentActor actor, RestrictionPropagation restrictions, CancellationToken cancellationToken)
    {
        RequestStatus[] settable = [RequestStatus.InProgress, RequestStatus.Waiting, RequestStatus.Completed, RequestStatus.Rejected];
        var errors = new ValidationErrors();
        var parsed = RequestDto.TryParse<RequestStatus>(body.Status, out var status) && settable.Contains(status);
        errors.Check(parsed, "status", $"Give one of {string.Join(", ", settable.Select(s => RequestDto.Name(s)))}.")
            .Check(!parsed || status != RequestStatus.Rejected || !string.IsNullOrWhiteSpace(body.Reason), "reason", "A rejection needs its reason (Art. 12(4)).")
            .CheckText(body.Reason, "reason", required: false);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var request = await db.Requests.SingleOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        if (request is null)
        {
            return TypedResults.NotFound();
        }

        if (!request.IsOpen)
        {
            return TypedResults.Problem(title: "The request is closed.", detail: $"It is {RequestDto.Name(request.Status)}; a closed request does not change.", statusCode: StatusCodes.Status409Conflict);
        }

        if (status == RequestStatus.Completed && request.Type is RequestType.Erasure or RequestType.Access or RequestType.Portability)
        {
            return TypedResults.Problem(
                title: "This request completes by its export or erasure.",
                detail: "Run POST …/export or …/erasure; the request completes when every module (and recipient) has done its part.",
                statusCode: StatusCodes.Status409Conflict);
        }

        if (status == RequestStatus.Completed && await ProcessingMarks.MarkAsync(db, members, audit, actor, clock, request, cancellationToken) is { } unmarked)
        {
            return TypedResults.Problem(title: "The request names no member yet.", detail: unmarked, statusCode: StatusCodes.Status409Conflict);
        }

        var from = request.Status;
        request.Status = status;
        request.RejectionReason = status == RequestStatus.Rejected ? body.Reason : null;
        request.CompletedAt = status is RequestStatus.Completed or RequestStatus.Rejected ? clock.GetUtcNow() : null;
        request.WorkPending = request.WorkPending && request.IsOpen;
        audit.Record(db, "consent.request.status-changed", "request", request.Id.ToString(), new { from = RequestDto.Name(from), to = RequestDto.Name(status), reason = body.Reason });
        await db.SaveChangesAsync(cancellationToken);
        if (status == RequestStatus.Completed && request.Type == RequestType.Restriction)
        {
            // After the mark is committed: the recipients read it, and their answers are the request's steps.
            await restrictions.PropagateAsync(request.Id, request.MemberId!.Value, restricted: true, cancellationToken);
        }

        return TypedResults.Ok((await views.FindAsync(requestId, cancellationToken))!);
    }

    /// <summary>Art. 12(3): up to two further months, with the reason, recorded while the first month still runs.</summary>
    private static async Task<Results<Ok<RequestDto>, NotFound, ValidationProblem, ProblemHttpResult>> Extend(
        Guid requestId, ExtendRequest body, ConsentDbContext db, RequestViews views, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors()
            .Check(body.Months is >= 1 and <= RequestDeadlines.MaxExtensionMonths, "months", $"Give 1 or {RequestDeadlines.MaxExtensionMonths}: the period may be extended by up to two further months.")
            .CheckText(body.Reason, "reason", required: true);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var request = await db.Requests.SingleOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        if (request is null)
        {
            return TypedResults.NotFound();
        }

        if (!request.IsOpen || request.ExtendedDueOn is not null)
        {
            return TypedResults.Problem(title: "The request cannot be extended.",
                detail: request.IsOpen ? $"It was extended already, to {request.ExtendedDueOn:yyyy-MM-dd}." : "It is closed.", statusCode: StatusCodes.Status409Conflict);
        }

        if (Today(clock) > request.DueOn)
        {
            return TypedResults.Problem(title: "The first month has ended.",
                detail: $"An extension must be recorded, with its reason, by the original due date ({request.DueOn:yyyy-MM-dd}).", statusCode: StatusCodes.Status409Conflict);
        }

        request.ExtendedDueOn = RequestDeadlines.DueOn(request.ReceivedAt, 1 + body.Months);
        request.ExtensionReason = body.Reason;
        audit.Record(db, "consent.request.extended", "request", request.Id.ToString(), new { months = body.Months, dueOn = request.ExtendedDueOn, reason = body.Reason });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok((await views.FindAsync(requestId, cancellationToken))!);
    }

    private static async Task<Results<Ok<RequestDto>, NotFound, ValidationProblem, ProblemHttpResult>> MatchSubject(
        Guid requestId, MatchSubjectRequest body, ConsentDbContext db, IMemberIdentities members, RequestViews views, AuditTrail audit, CancellationToken cancellationToken)
    {
        if (body.MemberId is not { } memberId || await members.FindAsync(memberId, cancellationToken) is null)
        {
            return new ValidationErrors().Check(false, "memberId", "Give the id of an existing member.").ToProblem();
        }

        var request = await db.Requests.SingleOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        if (request is null)
        {
            return TypedResults.NotFound();
        }

        if (request.MemberId is not null && request.MemberId != memberId)
        {
            return TypedResults.Problem(title: "The request names another member already.", statusCode: StatusCodes.Status409Conflict);
        }

        (request.MemberId, request.SubjectContact) = (memberId, null);
        audit.Record(db, "consent.request.subject-matched", "request", request.Id.ToString(), new { memberId });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok((await views.FindAsync(requestId, cancellationToken))!);
    }

    /// <summary>Builds the archive of an access or portability request; answers the request with each module's step.</summary>
    private static Task<Results<Ok<RequestDto>, NotFound, ProblemHttpResult>> Export(
        Guid requestId, RequestWork work, CancellationToken cancellationToken) =>
        work.RunAsync(requestId, [RequestType.Access, RequestType.Portability], cancellationToken);

    /// <summary>Erases the member everywhere, or goes on with an erasure that stopped; answers with each module's and recipient's step.</summary>
    private static Task<Results<Ok<RequestDto>, NotFound, ProblemHttpResult>> Erase(
        Guid requestId, RequestWork work, CancellationToken cancellationToken) =>
        work.RunAsync(requestId, [RequestType.Erasure], cancellationToken);

    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}
