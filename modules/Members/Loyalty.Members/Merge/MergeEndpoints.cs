using Loyalty.Members.Contracts;
using Loyalty.Members.Enrollment;
using Loyalty.Members.Ledger;
using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;
using Loyalty.Members.Tiers;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Merge;

internal sealed record MergeRequest(Guid? DuplicateId, string? Reason);

internal sealed record MergeResultDto(Guid SurvivorId, Guid DuplicateId, DateTimeOffset MergedAt, IReadOnlyList<BalanceDto> Balances);

internal static class MergeEndpoints
{
    public static void MapMergeEndpoints(this RouteGroupBuilder api) =>
        api.MapPost("/programs/{program}/members/{survivorId:guid}/merges", Merge)
            .RequireAuthorization(Policies.SupportMembers)
            .WithIdempotencyKey<MembersDbContext>();

    /// <summary>The answer for a write addressed to a merged member: 422, naming the survivor to address instead.</summary>
    public static ProblemHttpResult MergedInto(Member member) =>
        TypedResults.Problem(
            title: "The member was merged into another member.",
            detail: $"Member {member.Id} was merged into {member.MergedIntoId}; address that member instead.",
            statusCode: StatusCodes.Status422UnprocessableEntity,
            extensions: new Dictionary<string, object?> { ["survivorId"] = member.MergedIntoId });

    /// <summary>
    /// Merges the duplicate into the survivor in one transaction: identifiers, the email (if the survivor has none),
    /// points with their lots, ledger history and transactions move; the duplicate is left <c>Merged</c>, pointing at
    /// the survivor. Repeating a merge that already happened answers its result again.
    /// </summary>
    private static async Task<Results<Ok<MergeResultDto>, ValidationProblem, ProblemHttpResult>> Merge(
        string program, Guid survivorId, MergeRequest request, MembersDbContext db, PointsLedger ledger, TierEvaluation tiers, AuditTrail audit, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors()
            .Check(request.DuplicateId is not null && request.DuplicateId != Guid.Empty, "duplicateId", "Give the id of the member to merge into this one.")
            .Check(request.DuplicateId != survivorId, "duplicateId", "A member cannot be merged into itself.")
            .Check(!string.IsNullOrWhiteSpace(request.Reason) && request.Reason.Length <= 500, "reason", "Say why, in at most 500 characters.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var loyaltyProgram = await db.FindProgramAsync(program, cancellationToken);
        if (loyaltyProgram is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        var duplicateId = request.DuplicateId!.Value;
        return await ConcurrencyRetry.RunAsync<Results<Ok<MergeResultDto>, ValidationProblem, ProblemHttpResult>>(db, async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var members = await db.Members.Where(m => m.Id == survivorId || m.Id == duplicateId).ToListAsync(ct);
            var survivor = members.SingleOrDefault(m => m.Id == survivorId && m.ProgramId == loyaltyProgram.Id);
            var duplicate = members.SingleOrDefault(m => m.Id == duplicateId);
            if (survivor is null || duplicate is null)
            {
                return TypedResults.Problem(title: "Unknown member.", detail: $"There is no member {(survivor is null ? survivorId : duplicateId)}.", statusCode: StatusCodes.Status404NotFound);
            }

            if (duplicate.ProgramId != survivor.ProgramId)
            {
                return Refuse("The members are in different programs.", "Only members of the same program can be merged.");
            }

            if (duplicate.Status == MemberStatus.Merged)
            {
                return duplicate.MergedIntoId == survivor.Id
                    ? TypedResults.Ok(new MergeResultDto(survivor.Id, duplicate.Id, duplicate.MergedAt!.Value, await BalancesAsync(db, loyaltyProgram, survivor.Id, ct)))
                    : Refuse("The duplicate was already merged.", $"Member {duplicate.Id} was merged into {duplicate.MergedIntoId}.");
            }

            if (survivor.Status == MemberStatus.Merged)
            {
                return Refuse("The survivor was itself merged.", $"Member {survivor.Id} was merged into {survivor.MergedIntoId}; merge into that member.");
            }

            // A suspended member's points may be under a fraud check and a closed one is final: neither is folded in.
            if (survivor.Status != MemberStatus.Active || duplicate.Status != MemberStatus.Active)
            {
                var inactive = survivor.Status != MemberStatus.Active ? survivor : duplicate;
                return Refuse("Only active members can be merged.", $"Member {inactive.Id} is {inactive.Status.ToString().ToLowerInvariant()}.");
            }

            var now = clock.GetUtcNow();
            var reference = new LedgerReference("merge", duplicate.Id.ToString());
            foreach (var currency in new[] { loyaltyProgram.PointsCurrency, loyaltyProgram.QualifyingCurrency })
            {
                var from = await ledger.AccountAsync(loyaltyProgram, duplicate.Id, currency, ct);
                var to = await ledger.AccountAsync(loyaltyProgram, survivor.Id, currency, ct);
                await ledger.MoveAllAsync(from, to, reference, ct);
            }

            var email = duplicate.Email;
            (duplicate.Email, duplicate.NormalizedEmail) = (null, null);
            duplicate.Status = MemberStatus.Merged;
            duplicate.MergedIntoId = survivor.Id;
            duplicate.MergedAt = now;
            duplicate.Version++;
            survivor.Version++;
            audit.Record(db, "members.member.merged", "member", survivor.Id.ToString(), new { survivorId = survivor.Id, duplicateId = duplicate.Id, reason = request.Reason });
            db.Publish(new MembersMerged(Guid.CreateVersion7(now), now, loyaltyProgram.Id, survivor.Id, duplicate.Id));

            // This save checks both members' and all four accounts' versions, so a concurrent redemption or update
            // either committed before (and this round starts again) or waits and then starts again itself. It also
            // frees the duplicate's email before the survivor takes it, so the unique index never sees it twice.
            await db.SaveChangesAsync(ct);
            await db.MemberIdentifiers.Where(i => i.MemberId == duplicate.Id).ExecuteUpdateAsync(set => set.SetProperty(i => i.MemberId, survivor.Id), ct);
            await db.Transactions.Where(t => t.MemberId == duplicate.Id).ExecuteUpdateAsync(set => set.SetProperty(t => t.MemberId, survivor.Id), ct);
            await db.LedgerEntries.Where(e => e.MemberId == duplicate.Id).ExecuteUpdateAsync(set => set.SetProperty(e => e.MemberId, survivor.Id), ct);
            if (survivor.Email is null && email is not null)
            {
                (survivor.Email, survivor.NormalizedEmail) = (email, email.ToLowerInvariant());
                await db.SaveChangesAsync(ct);
            }

            // The duplicate's qualifying points now count for the survivor, who may reach a higher tier with them.
            await tiers.UpgradeAsync(loyaltyProgram, survivor.Id, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return TypedResults.Ok(new MergeResultDto(survivor.Id, duplicate.Id, now, await BalancesAsync(db, loyaltyProgram, survivor.Id, ct)));
        }, cancellationToken);
    }

    private static async Task<IReadOnlyList<BalanceDto>> BalancesAsync(MembersDbContext db, LoyaltyProgram program, Guid memberId, CancellationToken cancellationToken) =>
        await db.PointsAccounts.AsNoTracking()
            .Where(a => a.MemberId == memberId)
            .OrderBy(a => a.Currency == program.PointsCurrency ? 0 : 1)
            .Select(a => new BalanceDto(a.Currency, a.Available, a.Pending))
            .ToListAsync(cancellationToken);

    private static ProblemHttpResult Refuse(string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status422UnprocessableEntity);
}
