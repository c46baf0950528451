using Loyalty.Consent.Persistence;
using Loyalty.Consent.Requests;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Restrictions;

internal sealed record LiftRequest(string? Reason);

internal sealed record MarkDto(Guid Id, Guid MemberId, string Kind, Guid RequestId, DateTimeOffset MarkedAt, string MarkedBy, DateTimeOffset? LiftedAt, string? LiftedBy, string? LiftReason)
{
    public static MarkDto From(ProcessingMark m) =>
        new(m.Id, m.MemberId, RequestDto.Name(m.Kind), m.RequestId, m.MarkedAt, m.MarkedBy, m.LiftedAt, m.LiftedBy, m.LiftReason);
}

/// <summary>Marks the member of a carried-out objection or restriction request, and lifts the mark with a reason.</summary>
internal static class ProcessingMarks
{
    public static void MapProcessingMarkEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/members/{memberId:guid}/marks", List).RequireAuthorization(Policies.ProtectData);
        api.MapPost("/requests/{requestId:guid}/mark/lift", Lift).RequireAuthorization(Policies.ProtectData)
            .WithExample("Lift the restriction a request put on the member", new LiftRequest("Accuracy of the address confirmed (Art. 18(1)(a))"));
    }

    public static MarkKind? KindOf(RequestType type) => type switch
    {
        RequestType.Objection => MarkKind.Objection,
        RequestType.Restriction => MarkKind.Restriction,
        _ => null,
    };

    /// <summary>Adds the mark of a request being completed, to commit with its status change; a request marks once.</summary>
    public static async Task<string?> MarkAsync(
        ConsentDbContext db, IMemberIdentities members, AuditTrail audit, CurrentActor actor, TimeProvider clock, DataSubjectRequest request, CancellationToken cancellationToken)
    {
        if (KindOf(request.Type) is not { } kind || await db.ProcessingMarks.AnyAsync(m => m.RequestId == request.Id, cancellationToken))
        {
            return null;
        }

        if (request.MemberId is not { } memberId || await members.FindAsync(memberId, cancellationToken) is not { } member)
        {
            return "Match the request to a member first (POST …/subject): carrying it out marks that member.";
        }

        var now = clock.GetUtcNow();
        var mark = new ProcessingMark
        {
            Id = Guid.CreateVersion7(now), ProgramId = member.ProgramId, MemberId = memberId, Kind = kind, RequestId = request.Id, MarkedAt = now, MarkedBy = actor.Name,
        };
        db.ProcessingMarks.Add(mark);
        audit.Record(db, $"consent.{RequestDto.Name(kind)}.marked", "member", memberId.ToString(), new { requestId = request.Id, markId = mark.Id });
        return null;
    }

    private static async Task<Ok<List<MarkDto>>> List(Guid memberId, ConsentDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok((await db.ProcessingMarks.AsNoTracking().Where(m => m.MemberId == memberId).OrderBy(m => m.MarkedAt).ToListAsync(cancellationToken))
            .ConvertAll(MarkDto.From));

    private static async Task<Results<Ok<MarkDto>, NotFound, ValidationProblem, ProblemHttpResult>> Lift(
        Guid requestId, LiftRequest body, ConsentDbContext db, AuditTrail audit, CurrentActor actor, TimeProvider clock, RestrictionPropagation restrictions,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors().CheckText(body.Reason, "reason", required: true);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var mark = await db.ProcessingMarks.SingleOrDefaultAsync(m => m.RequestId == requestId, cancellationToken);
        if (mark is null)
        {
            return TypedResults.NotFound();
        }

        if (mark.LiftedAt is not null)
        {
            return body.Reason == mark.LiftReason
                ? TypedResults.Ok(MarkDto.From(mark))
                : TypedResults.Problem(title: "The mark was lifted already.", detail: $"On {mark.LiftedAt:yyyy-MM-dd} by {mark.LiftedBy}.", statusCode: StatusCodes.Status409Conflict);
        }

        (mark.LiftedAt, mark.LiftedBy, mark.LiftReason) = (clock.GetUtcNow(), actor.Name, body.Reason!.Trim());
        // The reason is the DPO's words and may quote the person: only that one was given goes to the audit trail.
        audit.Record(db, $"consent.{RequestDto.Name(mark.Kind)}.lifted", "member", mark.MemberId.ToString(), new { requestId, markId = mark.Id });
        await db.SaveChangesAsync(cancellationToken);
        if (mark.Kind == MarkKind.Restriction)
        {
            await restrictions.PropagateAsync(requestId, mark.MemberId, restricted: false, cancellationToken);
        }

        return TypedResults.Ok(MarkDto.From(mark));
    }
}
