using Loyalty.Consent.Erasure;
using Loyalty.Consent.Exports;
using Loyalty.Consent.Persistence;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Loyalty.Consent.Requests;

/// <summary>Files a request: validation, the due date, and one open erasure per member.</summary>
internal sealed class RequestFiling(
    ConsentDbContext db, IMemberIdentities members, AuditTrail audit, CurrentActor actor, TimeProvider clock, IOptions<ConsentOptions> options)
{
    public async Task<Results<CreatedAtRoute<RequestDto>, Ok<RequestDto>, ValidationProblem>> FileAsync(
        string? type, Guid? memberId, string? contact, string? verification, string? notes, ValidationErrors errors, CancellationToken cancellationToken)
    {
        var parsed = RequestDto.TryParse<RequestType>(type, out var requestType);
        errors.Check(parsed, "type", $"Give one of {RequestDto.Names<RequestType>()}.")
            .CheckText(verification, "verification", required: true, max: 500);
        if (memberId is { } id && await members.FindAsync(id, cancellationToken) is null)
        {
            errors.Check(false, "memberId", "No member has this id.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var now = clock.GetUtcNow();
        if (requestType == RequestType.Erasure && memberId is not null)
        {
            // A second erasure request for the member is the same request: it answers the one there is.
            var existing = await db.Requests.AsNoTracking()
                .Where(r => r.MemberId == memberId && r.Type == RequestType.Erasure && r.Status != RequestStatus.Rejected)
                .OrderBy(r => r.ReceivedAt).FirstOrDefaultAsync(cancellationToken);
            if (existing is not null)
            {
                return TypedResults.Ok(RequestDto.From(existing, RequestEndpoints.Today(clock), options.Value.DueSoonDays));
            }
        }

        var request = new DataSubjectRequest
        {
            Id = Guid.CreateVersion7(now), Type = requestType, MemberId = memberId, SubjectContact = contact, Verification = verification!.Trim(),
            ReceivedAt = now, DueOn = RequestDeadlines.DueOn(now), Status = RequestStatus.Received, Notes = notes, FiledBy = actor.Name,
        };
        db.Requests.Add(request);
        audit.Record(db, "consent.request.filed", "request", request.Id.ToString(),
            new { type = RequestDto.Name(requestType), memberId, unmatchedContact = contact is not null, dueOn = request.DueOn });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.CreatedAtRoute(RequestDto.From(request, RequestEndpoints.Today(clock), options.Value.DueSoonDays), "GetDataSubjectRequest", new { requestId = request.Id });
    }
}

internal sealed class RequestViews(ConsentDbContext db, TimeProvider clock, IOptions<ConsentOptions> options)
{
    public async Task<RequestDto?> FindAsync(Guid requestId, CancellationToken cancellationToken)
    {
        var request = await db.Requests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        if (request is null)
        {
            return null;
        }

        var steps = await db.RequestSteps.AsNoTracking().Where(s => s.RequestId == requestId).ToListAsync(cancellationToken);
        var archive = await db.ExportArchives.AsNoTracking().Where(a => a.RequestId == requestId).OrderByDescending(a => a.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        return RequestDto.From(request, RequestEndpoints.Today(clock), options.Value.DueSoonDays, steps, archive);
    }
}

/// <summary>
/// Runs a request's export or erasure under a lease, so two nodes (or the endpoint and the retry job) never run the
/// same request at once; a node that dies leaves the lease to expire.
/// </summary>
internal sealed class RequestWork(
    ConsentDbContext db, MemberExport export, MemberErasure erasure, RequestViews views, AuditTrail audit, TimeProvider clock, IOptions<ConsentOptions> options)
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    public async Task<Results<Ok<RequestDto>, NotFound, ProblemHttpResult>> RunAsync(Guid requestId, RequestType[] types, CancellationToken cancellationToken)
    {
        var request = await db.Requests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        if (request is null)
        {
            return TypedResults.NotFound();
        }

        if (!types.Contains(request.Type))
        {
            return TypedResults.Problem(title: "Not for this type of request.",
                detail: $"This is a{(request.Type == RequestType.Access ? "n" : "")} {RequestDto.Name(request.Type)} request; this step is for {string.Join(" and ", types.Select(t => RequestDto.Name(t)))} requests.",
                statusCode: StatusCodes.Status409Conflict);
        }

        if (request.MemberId is null)
        {
            return TypedResults.Problem(title: "The request names no member yet.",
                detail: "Match the request to a member first (POST …/subject) once the identity is verified.", statusCode: StatusCodes.Status409Conflict);
        }

        if (request.Type == RequestType.Erasure && options.Value.SuppressionSecret is not { Length: >= Suppression.SuppressionList.MinimumSecretLength })
        {
            return TypedResults.Problem(title: "The suppression list has no secret.",
                detail: $"Set {ConsentOptions.Section}:SuppressionSecret (at least {Suppression.SuppressionList.MinimumSecretLength} characters) before erasing members, so an erased person is not enrolled again.",
                statusCode: StatusCodes.Status409Conflict);
        }

        if (request.IsOpen)
        {
            if (!await ClaimAsync(requestId, cancellationToken))
            {
                return TypedResults.Problem(title: "The request is being processed.", detail: "Another run of it is under way; look again shortly.", statusCode: StatusCodes.Status409Conflict);
            }

            await RunClaimedAsync(requestId, cancellationToken);
        }

        return TypedResults.Ok((await views.FindAsync(requestId, cancellationToken))!);
    }

    /// <summary>Runs a claimed request and releases it; true when it completed.</summary>
    public async Task<bool> RunClaimedAsync(Guid requestId, CancellationToken cancellationToken)
    {
        try
        {
            var request = await db.Requests.SingleAsync(r => r.Id == requestId, cancellationToken);
            if (request.Status == RequestStatus.Received)
            {
                request.Status = RequestStatus.InProgress;
                audit.Record(db, "consent.request.status-changed", "request", request.Id.ToString(), new { from = "received", to = "inProgress" });
            }

            request.WorkPending = true;
            await db.SaveChangesAsync(cancellationToken);
            return request.Type == RequestType.Erasure
                ? await erasure.RunAsync(request, cancellationToken)
                : await export.RunAsync(request, cancellationToken);
        }
        finally
        {
            db.ChangeTracker.Clear();
            await db.Requests.Where(r => r.Id == requestId).ExecuteUpdateAsync(set => set.SetProperty(r => r.LockedUntil, (DateTimeOffset?)null), CancellationToken.None);
        }
    }

    public async Task<bool> ClaimAsync(Guid requestId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var until = now + Lease;
        return await db.Requests
            .Where(r => r.Id == requestId && (r.LockedUntil == null || r.LockedUntil < now))
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.LockedUntil, until), cancellationToken) == 1;
    }
}
