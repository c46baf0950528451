using Loyalty.Members.Enrollment;
using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Tiers;

internal static class TierEndpoints
{
    public const int HistoryPageSize = 100;

    public static void MapTierEndpoints(this RouteGroupBuilder api)
    {
        var tiers = api.MapGroup("/programs/{program}/tiers");
        tiers.MapGet("/", GetLadder).RequireAuthorization(Policies.ViewPrograms);
        tiers.MapPut("/", DefineLadder).RequireAuthorization(Policies.ManagePrograms)
            .WithExample("Define or replace the tier ladder", new DefineTiersRequest("QualifyingPoints", "Rolling12Months", 1,
            [
                new TierRequest("silver", "Silver", 1, 500, 1.25m, null),
                new TierRequest("gold", "Gold", 2, 1000, 1.5m, "Free upgrade to a large cup"),
            ]));
        var member = api.MapGroup("/programs/{program}/members/{memberId:guid}");
        member.MapGet("/tier", Progress).RequireAuthorization(Policies.SupportMembers);
        member.MapGet("/tier-history", History).RequireAuthorization(Policies.SupportMembers);
        member.MapPost("/tier", Assign).RequireAuthorization(Policies.SupportMembers).WithIdempotencyKey<MembersDbContext>()
            .WithExample("Assign a tier by hand", new AssignTierRequest("gold", "Status match from a partner airline"));
    }

    private static async Task<Results<Ok<TierLadderDto>, ProblemHttpResult>> GetLadder(
        string program, MembersDbContext db, TierEvaluation tiers, CancellationToken cancellationToken)
    {
        var loyaltyProgram = await db.FindProgramAsync(program, cancellationToken);
        if (loyaltyProgram is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        var settings = await tiers.SettingsAsync(loyaltyProgram.Id, cancellationToken);
        return settings is null ? NoTiers(program) : TypedResults.Ok(TierLadderDto.From(settings, program));
    }

    /// <summary>
    /// Defines or replaces the program's ladder and settings; the same ladder again changes nothing. A tier that
    /// members hold cannot be left out (409): assign those members another tier first. Members keep their tier until
    /// their next upgrade or evaluation, which use the new ladder.
    /// </summary>
    private static async Task<Results<Ok<TierLadderDto>, ValidationProblem, ProblemHttpResult>> DefineLadder(
        string program, DefineTiersRequest request, MembersDbContext db, TierSettingsCache cache, AuditTrail audit, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var loyaltyProgram = await db.FindProgramAsync(program, cancellationToken);
        if (loyaltyProgram is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        var now = clock.GetUtcNow();
        var requested = request.ToSettings(loyaltyProgram.Id, now);
        var existing = await db.TierSettings.SingleOrDefaultAsync(s => s.ProgramId == loyaltyProgram.Id, cancellationToken);
        if (existing is not null && SameLadder(TierLadderDto.From(existing, program), TierLadderDto.From(requested, program)))
        {
            return TypedResults.Ok(TierLadderDto.From(existing, program));
        }

        var codes = requested.Tiers.Select(t => t.Code).ToList();
        var orphaned = await db.MemberTiers.Where(s => s.ProgramId == loyaltyProgram.Id && !codes.Contains(s.TierCode)).Select(s => s.TierCode).Distinct().ToListAsync(cancellationToken);
        if (orphaned.Count > 0)
        {
            return TypedResults.Problem(
                title: "Members hold a tier this ladder leaves out.",
                detail: $"Members are in {string.Join(", ", orphaned.Order())}; keep the tier, or assign its members another one first.",
                statusCode: StatusCodes.Status409Conflict);
        }

        if (existing is null)
        {
            db.TierSettings.Add(requested);
        }
        else
        {
            existing.Basis = requested.Basis;
            existing.Window = requested.Window;
            existing.MaxLevelsDown = requested.MaxLevelsDown;
            existing.UpdatedAt = now;
            // Tiers keep their rows by code, so the unique code index never sees a code twice within the change.
            foreach (var tier in existing.Tiers.Where(t => !codes.Contains(t.Code)).ToList())
            {
                existing.Tiers.Remove(tier);
                db.TierDefinitions.Remove(tier);
            }

            foreach (var tier in requested.Tiers)
            {
                if (existing.Tiers.SingleOrDefault(t => t.Code == tier.Code) is { } kept)
                {
                    (kept.Name, kept.Rank, kept.Threshold, kept.EarningMultiplier, kept.Benefits) = (tier.Name, tier.Rank, tier.Threshold, tier.EarningMultiplier, tier.Benefits);
                }
                else
                {
                    existing.Tiers.Add(tier);
                }
            }
        }

        var ladder = TierLadderDto.From(existing ?? requested, program);
        audit.Record(db, "members.tiers.defined", "program", loyaltyProgram.Id.ToString(), ladder);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            cache.Forget(loyaltyProgram.Id);
        }
        catch (DbUpdateException)
        {
            return TypedResults.Problem(title: "The tiers were changed at the same time.", detail: "Read the tiers again and repeat the change.", statusCode: StatusCodes.Status409Conflict);
        }

        return TypedResults.Ok(ladder);
    }

    private static bool SameLadder(TierLadderDto a, TierLadderDto b) =>
        a with { Tiers = [] } == b with { Tiers = [] } && a.Tiers.SequenceEqual(b.Tiers);

    private static async Task<Results<Ok<TierProgressDto>, ProblemHttpResult, NotFound>> Progress(
        string program, Guid memberId, MembersDbContext db, TierEvaluation tiers, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (loyaltyProgram, member) = await MemberEndpoints.LoadAsync(db, program, memberId, tracked: false, cancellationToken);
        if (loyaltyProgram is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        if (member is null)
        {
            return TypedResults.NotFound();
        }

        var settings = await tiers.SettingsAsync(loyaltyProgram.Id, cancellationToken);
        return settings is null
            ? NoTiers(program)
            : TypedResults.Ok(await ProgressAsync(loyaltyProgram, settings, member.Id, member.TierState, tiers, clock, cancellationToken));
    }

    private static async Task<TierProgressDto> ProgressAsync(
        LoyaltyProgram program, TierSettings settings, Guid memberId, MemberTier? state, TierEvaluation tiers, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var windowStart = TierRules.WindowStart(settings.Window, zone, now);
        var value = await tiers.QualifyingValueAsync(program, settings, memberId, windowStart, until: null, cancellationToken);
        var ladder = settings.Ladder;
        var tier = ladder.FirstOrDefault(t => t.Code == state?.TierCode);
        var next = tier is null ? ladder[0] : ladder.FirstOrDefault(t => t.Rank > tier.Rank);
        long? towardsRetention = null;
        if (tier is not null && state is not null)
        {
            var retentionStart = TierRules.WindowStart(settings.Window, zone, state.NextEvaluationAt);
            towardsRetention = retentionStart == windowStart
                ? value
                : await tiers.QualifyingValueAsync(program, settings, memberId, retentionStart, until: null, cancellationToken);
        }

        return new TierProgressDto(
            tier?.Code,
            tier?.Name,
            state?.Since,
            tier?.EarningMultiplier ?? 1m,
            settings.Basis.ToString(),
            settings.Window.ToString(),
            windowStart,
            value,
            next?.Code,
            next is null ? null : Math.Max(0, next.Threshold - value),
            tier is null ? null : state!.NextEvaluationAt,
            towardsRetention,
            tier is null ? null : Math.Max(0, tier.Threshold - towardsRetention!.Value));
    }

    /// <summary>The member's tier changes, newest first (the last <see cref="HistoryPageSize"/>).</summary>
    private static async Task<Results<Ok<List<TierChangeDto>>, ProblemHttpResult, NotFound>> History(
        string program, Guid memberId, MembersDbContext db, CancellationToken cancellationToken)
    {
        var (loyaltyProgram, member) = await MemberEndpoints.LoadAsync(db, program, memberId, tracked: false, cancellationToken);
        if (loyaltyProgram is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        if (member is null)
        {
            return TypedResults.NotFound();
        }

        var changes = await db.TierHistory.AsNoTracking()
            .Where(c => c.MemberId == memberId)
            .OrderByDescending(c => c.At)
            .ThenByDescending(c => c.Id)
            .Take(HistoryPageSize)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(changes.ConvertAll(c => new TierChangeDto(c.FromTier, c.ToTier, c.Reason.ToString(), c.At, c.QualifyingValue, c.Actor, c.Note)));
    }

    /// <summary>
    /// Support puts a member in a tier by hand, with a reason (audited). The member keeps it for a whole period;
    /// upgrades and evaluations go on from there.
    /// </summary>
    private static async Task<Results<Ok<TierProgressDto>, ValidationProblem, ProblemHttpResult, NotFound>> Assign(
        string program, Guid memberId, AssignTierRequest request, MembersDbContext db, TierEvaluation tiers, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors()
            .Check(request.Tier is { Length: > 0 and <= 50 }, "tier", "Name the tier by its code.")
            .Check(!string.IsNullOrWhiteSpace(request.Reason) && request.Reason.Length <= 500, "reason", "Say why, in at most 500 characters.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        return await ConcurrencyRetry.RunAsync<Results<Ok<TierProgressDto>, ValidationProblem, ProblemHttpResult, NotFound>>(db, async ct =>
        {
            var (loyaltyProgram, member) = await MemberEndpoints.LoadAsync(db, program, memberId, tracked: false, ct);
            if (loyaltyProgram is null)
            {
                return ProgramLookup.UnknownProgram(program);
            }

            if (member is null)
            {
                return TypedResults.NotFound();
            }

            var settings = await tiers.SettingsAsync(loyaltyProgram.Id, ct);
            if (settings is null)
            {
                return NoTiers(program);
            }

            var tier = settings.Tiers.SingleOrDefault(t => t.Code == request.Tier);
            if (tier is null)
            {
                return new ValidationErrors().Check(false, "tier", $"Use one of {string.Join(", ", settings.Ladder.Select(t => t.Code))}.").ToProblem();
            }

            var state = await db.MemberTiers.SingleOrDefaultAsync(s => s.MemberId == memberId, ct);
            if (state?.TierCode != tier.Code)
            {
                var now = clock.GetUtcNow();
                var zone = TimeZoneInfo.FindSystemTimeZoneById(loyaltyProgram.TimeZone);
                var value = await tiers.QualifyingValueAsync(loyaltyProgram, settings, memberId, TierRules.WindowStart(settings.Window, zone, now), until: null, ct);
                audit.Record(db, "members.tier.assigned", "member", memberId.ToString(), new { from = state?.TierCode, to = tier.Code, reason = request.Reason });
                state = tiers.Move(loyaltyProgram, settings, state, memberId, tier, TierChangeReason.Manual, value, request.Reason);
                await db.SaveChangesAsync(ct);
            }

            return TypedResults.Ok(await ProgressAsync(loyaltyProgram, settings, memberId, state, tiers, clock, ct));
        }, cancellationToken);
    }

    private static ProblemHttpResult NoTiers(string program) =>
        TypedResults.Problem(title: "The program has no tiers.", detail: $"Define tiers with PUT /api/members/programs/{program}/tiers.", statusCode: StatusCodes.Status404NotFound);
}
