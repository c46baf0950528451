using Loyalty.Consent.Persistence;
using Loyalty.Consent.Purposes;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Consents;

internal static class ConsentEndpoints
{
    public static void MapConsentEndpoints(this RouteGroupBuilder api)
    {
        var member = api.MapGroup("/programs/{program}/members/{memberId:guid}/consents");
        member.MapGet("/", Current).RequireAuthorization(Policies.Integrate);
        member.MapPost("/", Grant).RequireAuthorization(Policies.Integrate).WithIdempotencyKey<ConsentDbContext>()
            .WithExample("Record the member's consent to one purpose, with the text version they saw", new GrantRequest(
                "email-marketing", null, "email", 1, "en", "webForm", "203.0.113.7", "checkout-newsletter", null, null));
        member.MapPost("/withdrawals", Withdraw).RequireAuthorization(Policies.Integrate).WithIdempotencyKey<ConsentDbContext>()
            .WithExample("Withdraw the member's consent to a purpose on every channel", new WithdrawRequest("email-marketing", null, "webForm", null, "account-privacy", null, null));
        api.MapGet("/members/{memberId:guid}/consents/history", History).RequireAuthorization(Policies.ProtectData);
    }

    private static async Task<Results<Ok<MemberConsentsDto>, ProblemHttpResult>> Current(
        string program, Guid memberId, ILoyaltyPrograms programs, IMemberIdentities members, ConsentRecording recording, CancellationToken cancellationToken)
    {
        var (found, problem) = await ResolveMemberAsync(programs, members, program, memberId, cancellationToken);
        return found is null ? problem! : TypedResults.Ok(await recording.CurrentAsync(found.Id, memberId, cancellationToken));
    }

    private static async Task<Results<Created<ConsentRecordDto>, Ok<ConsentRecordDto>, ValidationProblem, ProblemHttpResult>> Grant(
        string program, Guid memberId, GrantRequest body, ILoyaltyPrograms programs, IMemberIdentities members, ConsentDbContext db, ConsentRecording recording,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var parsed = ConsentRequests.TryParseSource(body.Source, out var source);
        var errors = new ValidationErrors()
            .Check(body.Purposes is null, "purposes", "Consent is given per purpose: send one grant for each purpose, with its own text, never one flag for several.")
            .CheckPurpose(body.Purpose)
            .CheckChannel(body.Channel)
            .Check(body.TextVersion is >= 1, "textVersion", "Give the version of the consent text the member was shown.")
            .Check(body.Locale is { Length: <= 20 } && ConsentRequests.LocaleTag().IsMatch(body.Locale), "locale", "Give the locale of the text the member was shown (en, de-AT).")
            .CheckEvidence(parsed ? source : null, body.IpAddress, body.FormId, body.OccurredAt, body.ExternalId, clock.GetUtcNow())
            .Check(!string.IsNullOrWhiteSpace(body.IpAddress) || !string.IsNullOrWhiteSpace(body.FormId), "ipAddress",
                "Give the IP address or the form id the consent was given through: the proof of consent (Art. 7(1)).");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var (found, problem) = await ResolveMemberAsync(programs, members, program, memberId, cancellationToken);
        if (found is null)
        {
            return problem!;
        }

        var purpose = await db.Purposes.AsNoTracking().SingleOrDefaultAsync(p => p.ProgramId == found.Id && p.Key == body.Purpose, cancellationToken);
        if (purpose is null)
        {
            return errors.Check(false, "purpose", $"The program has no purpose '{body.Purpose}'.").ToProblem();
        }

        var shown = await db.ConsentTexts.AsNoTracking().AnyAsync(t => t.PurposeId == purpose.Id && t.Version == body.TextVersion && t.Locale == body.Locale, cancellationToken);
        if (!shown)
        {
            return errors.Check(false, "textVersion", $"The purpose has no version {body.TextVersion} in locale '{body.Locale}'.").ToProblem();
        }

        if (body.TextVersion < purpose.ValidFromVersion)
        {
            return errors.Check(false, "textVersion",
                $"Version {body.TextVersion} no longer counts: version {purpose.ValidFromVersion} changed the purpose. Show the member that version and record it.").ToProblem();
        }

        var (record, replayed) = await recording.GrantAsync(
            purpose, memberId, body.Channel, body.TextVersion!.Value, body.Locale!, new Withdrawal(source, body.IpAddress, body.FormId, body.OccurredAt, body.ExternalId), cancellationToken);
        if (!replayed)
        {
            return TypedResults.Created($"/api/consent/programs/{program}/members/{memberId}/consents", ConsentRecordDto.From(record));
        }

        return record.Granted && record.MemberId == memberId && record.PurposeId == purpose.Id && record.Channel == (body.Channel ?? ConsentRecord.AnyChannel)
            ? TypedResults.Ok(ConsentRecordDto.From(record))
            : ExternalIdTaken(body.ExternalId!);
    }

    /// <summary>One call withdraws the purpose on the channel, or on every channel; withdrawing what is not granted changes nothing.</summary>
    private static async Task<Results<Ok<MemberConsentsDto>, ValidationProblem, ProblemHttpResult>> Withdraw(
        string program, Guid memberId, WithdrawRequest body, ILoyaltyPrograms programs, IMemberIdentities members, ConsentDbContext db, ConsentRecording recording,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var parsed = ConsentRequests.TryParseSource(body.Source, out var source);
        var errors = new ValidationErrors().CheckPurpose(body.Purpose).CheckChannel(body.Channel)
            .CheckEvidence(parsed ? source : null, body.IpAddress, body.FormId, body.OccurredAt, body.ExternalId, clock.GetUtcNow());
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var (found, problem) = await ResolveMemberAsync(programs, members, program, memberId, cancellationToken);
        if (found is null)
        {
            return problem!;
        }

        var purpose = await db.Purposes.AsNoTracking().SingleOrDefaultAsync(p => p.ProgramId == found.Id && p.Key == body.Purpose, cancellationToken);
        if (purpose is null)
        {
            return errors.Check(false, "purpose", $"The program has no purpose '{body.Purpose}'.").ToProblem();
        }

        var record = await recording.WithdrawAsync(
            purpose, memberId, body.Channel, new Withdrawal(source, body.IpAddress, body.FormId, body.OccurredAt, body.ExternalId), cancellationToken);
        if (record is not null && (record.Granted || record.MemberId != memberId || record.PurposeId != purpose.Id))
        {
            return ExternalIdTaken(body.ExternalId!);
        }

        return TypedResults.Ok(await recording.CurrentAsync(found.Id, memberId, cancellationToken));
    }

    /// <summary>The DPO's proof: every grant and withdrawal of the member, with its text version, source and evidence.</summary>
    private static async Task<Ok<List<ConsentRecordDto>>> History(Guid memberId, ConsentDbContext db, CancellationToken cancellationToken)
    {
        var records = await db.ConsentRecords.AsNoTracking().Where(r => r.MemberId == memberId)
            .OrderBy(r => r.OccurredAt).ThenBy(r => r.RecordedAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(records.ConvertAll(ConsentRecordDto.From));
    }

    private static async Task<(LoyaltyProgramDto? Program, ProblemHttpResult? Problem)> ResolveMemberAsync(
        ILoyaltyPrograms programs, IMemberIdentities members, string program, Guid memberId, CancellationToken cancellationToken)
    {
        var (found, problem) = await PurposeEndpoints.ResolveAsync(programs, program, cancellationToken);
        if (found is null)
        {
            return (null, problem);
        }

        return await members.FindAsync(memberId, cancellationToken) is { } member && member.ProgramId == found.Id
            ? (found, null)
            : (null, TypedResults.Problem(title: "Unknown member.", detail: $"The program has no member {memberId}.", statusCode: StatusCodes.Status404NotFound));
    }

    private static ProblemHttpResult ExternalIdTaken(string externalId) =>
        TypedResults.Problem(title: "The external id is taken.", detail: $"'{externalId}' names another grant or withdrawal in this program.", statusCode: StatusCodes.Status409Conflict);
}
