using Loyalty.Members.Attributes;
using Loyalty.Members.Contracts;
using Loyalty.Members.Merge;
using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Enrollment;

internal sealed record MemberPage(IReadOnlyList<MemberDto> Items, Guid? Next);

internal static class MemberEndpoints
{
    public const int MaxPageSize = 100;

    public static void MapMemberEndpoints(this RouteGroupBuilder api)
    {
        var members = api.MapGroup("/programs/{program}/members");
        members.MapPost("/", Enroll).RequireAuthorization(Policies.Integrate).WithIdempotencyKey<MembersDbContext>()
            .WithExample("Enrol a member (or answer the one already enrolled)", new EnrollRequest(
                "ada@example.com", "+49301234567", "Ada", "Lovelace", new DateOnly(1990, 12, 10), "de-DE",
                new AddressDto("Unter den Linden 1", null, "10117", "Berlin", "DE"), new Dictionary<string, string> { ["milk"] = "oat" },
                "shop-4711", "C-123", "web"));
        members.MapGet("/", Search).RequireAuthorization(Policies.SupportMembers);
        members.MapGet("/{memberId:guid}", Get).RequireAuthorization(Policies.SupportMembers).WithName("GetMember");
        members.MapGet("/by/{kind}/{value}", GetByIdentifier).RequireAuthorization(Policies.SupportMembers);
        members.MapPut("/{memberId:guid}/profile", UpdateProfile).RequireAuthorization(Policies.SupportMembers)
            .WithExample("Replace the profile (send If-Match with the ETag)", new UpdateProfileRequest(
                "ada@example.com", null, "Ada", "King", new DateOnly(1990, 12, 10), "en-GB", null, null));
        members.MapPost("/{memberId:guid}/status", ChangeStatus).RequireAuthorization(Policies.SupportMembers)
            .WithExample("Suspend, reactivate or close a membership", new ChangeStatusRequest("suspended", "Card reported stolen"));
        members.MapPost("/{memberId:guid}/identifiers", AddIdentifier).RequireAuthorization(Policies.SupportMembers)
            .WithExample("Add a card number or external id", new AddIdentifierRequest("card", "C-456"));
    }

    /// <summary>
    /// Enrols a member, or answers the member already enrolled under the same external id, card or email (200),
    /// so a client may repeat an enrolment safely. Two different members matching is a conflict (409).
    /// </summary>
    private static async Task<Results<CreatedAtRoute<MemberDto>, Ok<MemberDto>, ValidationProblem, ProblemHttpResult>> Enroll(
        string program, EnrollRequest request, MembersDbContext db, MemberEnrollment enrollment, CancellationToken cancellationToken)
    {
        var loyaltyProgram = await db.FindProgramAsync(program, cancellationToken);
        if (loyaltyProgram is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        var result = await enrollment.EnrollAsync(loyaltyProgram, request, cancellationToken);
        return result.Outcome switch
        {
            EnrollOutcome.Invalid => result.Errors!.ToProblem(),
            EnrollOutcome.Conflict => TypedResults.Problem(
                title: "The identifiers belong to different members.",
                detail: "The external id, card number and email given match more than one member; merge them first or correct the request.",
                statusCode: StatusCodes.Status409Conflict),
            EnrollOutcome.Existing => TypedResults.Ok(MemberDto.From(result.Member!, program)),
            EnrollOutcome.Suppressed => TypedResults.Problem(
                title: "This person may not be enrolled again.",
                detail: $"The {result.SuppressedBy} given belongs to a person erased at their request (GDPR Art. 17); the suppression list keeps them from being enrolled again.",
                statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?> { ["field"] = result.SuppressedBy, ["reason"] = "suppressed" }),
            _ => TypedResults.CreatedAtRoute(MemberDto.From(result.Member!, program), "GetMember", new { program, memberId = result.Member!.Id }),
        };
    }

    private static async Task<Results<Ok<MemberDto>, ProblemHttpResult, NotFound, RedirectHttpResult>> Get(
        string program, Guid memberId, HttpContext http, MembersDbContext db, AuditTrail audit, CancellationToken cancellationToken)
    {
        var (loyaltyProgram, member) = await LoadAsync(db, program, memberId, tracked: false, cancellationToken);
        if (loyaltyProgram is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        if (member is null)
        {
            return TypedResults.NotFound();
        }

        if (member.MergedIntoId is { } survivorId)
        {
            return TypedResults.Redirect($"/api/members/programs/{program}/members/{survivorId}", permanent: true);
        }

        audit.RecordPersonalDataAccess(db, "members.member.viewed", member.Id);
        await db.SaveChangesAsync(cancellationToken);
        http.Response.Headers.ETag = MemberDto.ETag(member);
        return TypedResults.Ok(MemberDto.From(member, program));
    }

    /// <summary>The identifier looked up is not audited: it is personal data itself; the member found is.</summary>
    private static async Task<Results<Ok<MemberDto>, ProblemHttpResult, NotFound, ValidationProblem>> GetByIdentifier(
        string program, string kind, string value, HttpContext http, MembersDbContext db, AuditTrail audit, CancellationToken cancellationToken)
    {
        if (!Enum.TryParse<IdentifierKind>(kind, ignoreCase: true, out var identifierKind))
        {
            return new ValidationErrors().Check(false, "kind", "Use externalId, card or email.").ToProblem();
        }

        var loyaltyProgram = await db.FindProgramAsync(program, cancellationToken);
        if (loyaltyProgram is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        var memberId = await db.MemberIdentifiers
            .Where(i => i.ProgramId == loyaltyProgram.Id && i.Kind == identifierKind && i.Value == value)
            .Select(i => (Guid?)i.MemberId)
            .SingleOrDefaultAsync(cancellationToken);
        var member = memberId is null ? null : await db.Members.AsNoTracking().Include(m => m.Identifiers).SingleAsync(m => m.Id == memberId, cancellationToken);
        if (member is null)
        {
            return TypedResults.NotFound();
        }

        audit.RecordPersonalDataAccess(db, "members.member.looked-up", member.Id, new { kind = identifierKind.ToString() });
        await db.SaveChangesAsync(cancellationToken);
        http.Response.Headers.ETag = MemberDto.ETag(member);
        return TypedResults.Ok(MemberDto.From(member, program));
    }

    /// <summary>
    /// Members of a program in enrolment order (stable: by id), filtered. Pages are cursors: pass the answer's
    /// <c>next</c> as <c>after</c> for the following page.
    /// </summary>
    private static async Task<Results<Ok<MemberPage>, ProblemHttpResult, ValidationProblem>> Search(
        string program,
        string? email,
        string? card,
        string? name,
        string? status,
        string? tier,
        Guid? after,
        int? limit,
        MembersDbContext db,
        CancellationToken cancellationToken)
    {
        var size = limit ?? 20;
        MemberStatus parsedStatus = default;
        var errors = new ValidationErrors()
            .Check(size is >= 1 and <= MaxPageSize, "limit", $"Give a page size between 1 and {MaxPageSize}.")
            .Check(status is null || Enum.TryParse(status, ignoreCase: true, out parsedStatus), "status", "Use active, suspended or closed.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var loyaltyProgram = await db.FindProgramAsync(program, cancellationToken);
        if (loyaltyProgram is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        var query = db.Members.AsNoTracking().Include(m => m.Identifiers).Where(m => m.ProgramId == loyaltyProgram.Id);
        if (email is not null)
        {
            var normalized = email.ToLowerInvariant();
            query = query.Where(m => m.NormalizedEmail == normalized);
        }

        if (card is not null)
        {
            query = query.Where(m => m.Identifiers.Any(i => i.Kind == IdentifierKind.Card && i.Value == card));
        }

        if (name is not null)
        {
            query = query.Where(m => m.LastName == name || m.FirstName == name || (m.FirstName + " " + m.LastName) == name);
        }

        if (status is not null)
        {
            query = query.Where(m => m.Status == parsedStatus);
        }

        if (tier is not null)
        {
            query = query.Where(m => m.TierState != null && m.TierState.TierCode == tier);
        }

        if (after is not null)
        {
            query = query.Where(m => m.Id.CompareTo(after.Value) > 0);
        }

        var page = await query.OrderBy(m => m.Id).Take(size + 1).ToListAsync(cancellationToken);
        var items = page.Take(size).Select(m => MemberDto.From(m, program)).ToList();
        return TypedResults.Ok(new MemberPage(items, page.Count > size ? items[^1].Id : null));
    }

    /// <summary>Replaces the profile. Needs <c>If-Match</c> with the member's ETag: a stale write is refused with 412.</summary>
    private static async Task<Results<Ok<MemberDto>, ProblemHttpResult, NotFound, ValidationProblem>> UpdateProfile(
        string program,
        Guid memberId,
        UpdateProfileRequest request,
        [FromHeader(Name = "If-Match")] string? ifMatch,
        HttpContext http,
        MembersDbContext db,
        AuditTrail audit,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (ifMatch is null)
        {
            return TypedResults.Problem(title: "If-Match is required.", detail: "Send the member's ETag in If-Match, so a concurrent change is not overwritten.", statusCode: StatusCodes.Status428PreconditionRequired);
        }

        var (loyaltyProgram, member) = await LoadAsync(db, program, memberId, tracked: true, cancellationToken);
        if (loyaltyProgram is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        if (member is null)
        {
            return TypedResults.NotFound();
        }

        var errors = AttributeValidation.Validate(
            await db.AttributeDefinitionsAsync(loyaltyProgram.Id, cancellationToken), request.Attributes, request.Validate(new ValidationErrors(), DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)));
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (member.Status == MemberStatus.Merged)
        {
            return MergeEndpoints.MergedInto(member);
        }

        if (ifMatch != MemberDto.ETag(member))
        {
            return StaleWrite();
        }

        var changed = MemberProfile.Apply(member, request);
        if (changed.Count > 0)
        {
            member.Version++;
            var now = clock.GetUtcNow();
            audit.Record(db, "members.member.updated", "member", member.Id.ToString(), new { fields = changed });
            db.Publish(new MemberUpdated(Guid.CreateVersion7(now), now, member.ProgramId, member.Id, changed));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                return StaleWrite();
            }
            catch (DbUpdateException)
            {
                return TypedResults.Problem(title: "The email is taken.", detail: "Another member of this program has this email.", statusCode: StatusCodes.Status409Conflict);
            }
        }

        http.Response.Headers.ETag = MemberDto.ETag(member);
        return TypedResults.Ok(MemberDto.From(member, program));
    }

    private static async Task<Results<Ok<MemberDto>, ProblemHttpResult, NotFound, ValidationProblem>> ChangeStatus(
        string program, Guid memberId, ChangeStatusRequest request, MembersDbContext db, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        MemberStatus status = default;
        var errors = new ValidationErrors()
            .Check(request.Status is not null && Enum.TryParse(request.Status, ignoreCase: true, out status) && status != MemberStatus.Merged, "status", "Use active, suspended or closed; a merge has its own endpoint.")
            .Check(!string.IsNullOrWhiteSpace(request.Reason) && request.Reason.Length <= 500, "reason", "Say why, in at most 500 characters.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var (loyaltyProgram, member) = await LoadAsync(db, program, memberId, tracked: true, cancellationToken);
        if (loyaltyProgram is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        if (member is null)
        {
            return TypedResults.NotFound();
        }

        if (member.Status == MemberStatus.Merged)
        {
            return MergeEndpoints.MergedInto(member);
        }

        if (member.Status == MemberStatus.Closed && status != MemberStatus.Closed)
        {
            return TypedResults.Problem(title: "A closed membership stays closed.", detail: "Enrol the person again instead.", statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        if (member.Status != status)
        {
            var now = clock.GetUtcNow();
            var from = member.Status;
            member.Status = status;
            member.Version++;
            audit.Record(db, "members.member.status-changed", "member", member.Id.ToString(), new { from = from.ToString(), to = status.ToString(), reason = request.Reason });
            db.Publish(new MemberStatusChanged(Guid.CreateVersion7(now), now, member.ProgramId, member.Id, from.ToString(), status.ToString()));
            await db.SaveChangesAsync(cancellationToken);
        }

        return TypedResults.Ok(MemberDto.From(member, program));
    }

    private static async Task<Results<Ok<MemberDto>, ProblemHttpResult, NotFound, ValidationProblem>> AddIdentifier(
        string program, Guid memberId, AddIdentifierRequest request, MembersDbContext db, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        IdentifierKind kind = default;
        var errors = new ValidationErrors()
            .Check(request.Kind is not null && Enum.TryParse(request.Kind, ignoreCase: true, out kind), "kind", "Use externalId or card.")
            .Check(request.Value is { Length: > 0 and <= 100 }, "value", "1-100 characters.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var (loyaltyProgram, member) = await LoadAsync(db, program, memberId, tracked: true, cancellationToken);
        if (loyaltyProgram is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        if (member is null)
        {
            return TypedResults.NotFound();
        }

        if (member.Status == MemberStatus.Merged)
        {
            return MergeEndpoints.MergedInto(member);
        }

        var owner = await db.MemberIdentifiers.Where(i => i.ProgramId == member.ProgramId && i.Kind == kind && i.Value == request.Value).Select(i => (Guid?)i.MemberId).SingleOrDefaultAsync(cancellationToken);
        if (owner == member.Id)
        {
            return TypedResults.Ok(MemberDto.From(member, program));
        }

        if (owner is not null)
        {
            return TypedResults.Problem(title: "The identifier belongs to another member.", statusCode: StatusCodes.Status409Conflict);
        }

        var now = clock.GetUtcNow();
        // Added to the set, not only to the navigation: EF would take a new identifier with its id already set for an existing row.
        var identifier = new MemberIdentifier { Id = Guid.CreateVersion7(now), ProgramId = member.ProgramId, MemberId = member.Id, Kind = kind, Value = request.Value!, AddedAt = now };
        db.MemberIdentifiers.Add(identifier);
        member.Identifiers.Add(identifier);
        member.Version++;
        audit.Record(db, "members.identifier.added", "member", member.Id.ToString(), new { kind = kind.ToString() });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(MemberDto.From(member, program));
    }

    internal static async Task<(LoyaltyProgram? Program, Member? Member)> LoadAsync(MembersDbContext db, string program, Guid memberId, bool tracked, CancellationToken cancellationToken)
    {
        var loyaltyProgram = await db.FindProgramAsync(program, cancellationToken);
        if (loyaltyProgram is null)
        {
            return (null, null);
        }

        var query = db.Members.Include(m => m.Identifiers).Where(m => m.Id == memberId && m.ProgramId == loyaltyProgram.Id);
        return (loyaltyProgram, await (tracked ? query : query.AsNoTracking()).SingleOrDefaultAsync(cancellationToken));
    }

    private static ProblemHttpResult StaleWrite() =>
        TypedResults.Problem(title: "The member changed since you read it.", detail: "Read the member again and repeat the change with its new ETag.", statusCode: StatusCodes.Status412PreconditionFailed);
}
