using System.Text.Json;
using Loyalty.Members.Contracts;
using Loyalty.Rewards.Catalog;
using Loyalty.Rewards.Persistence;
using Loyalty.Rewards.Vouchers;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Rewards.Redemption;

internal sealed record RedeemRewardRequest(Guid? RewardId, string? ExternalId);

internal sealed record ChangeFulfilmentRequest(string? Status);

/// <param name="Voucher">The voucher it issued; its code only where the code is kept, or in the answer that issued it.</param>
internal sealed record RedemptionDto(
    Guid Id, Guid RewardId, Guid MemberId, string? ExternalId, string Status, long Points, long CashCoPay, string? Fulfilment,
    DateTimeOffset ReservedAt, DateTimeOffset? CompletedAt, DateTimeOffset? CancelledAt, VoucherDto? Voucher)
{
    public static RedemptionDto From(RewardRedemption r, VoucherDto? voucher) => new(
        r.Id, r.RewardId, r.MemberId, r.ExternalId, JsonNamingPolicy.CamelCase.ConvertName(r.Status.ToString()), r.Points, r.CashCoPay,
        r.Fulfilment is { } f ? JsonNamingPolicy.CamelCase.ConvertName(f.ToString()) : null, r.ReservedAt, r.CompletedAt, r.CancelledAt, voucher);
}

internal static class RedemptionEndpoints
{
    public static void MapRedemptionEndpoints(this RouteGroupBuilder api)
    {
        var member = api.MapGroup("/programs/{program}/members/{memberId:guid}/redemptions");
        member.MapPost("/", Redeem).RequireAuthorization(Policies.Integrate).WithIdempotencyKey<RewardsDbContext>()
            .WithExample("Redeem a reward for points (idempotent on externalId)", new RedeemRewardRequest(Guid.Parse("0193a5d2-7c1e-7b3a-9f00-5e1d2c3b4a59"), "shop-order-1001"));
        member.MapGet("/", ForMember).RequireAuthorization(Policies.Integrate);
        api.MapGet("/programs/{program}/redemptions", ForProgram).RequireAuthorization(Policies.ViewPrograms)
            .WithSummary("The program's redemptions, newest first (at most 200), by reward, status or fulfilment; vouchers without their codes");
        var redemptions = api.MapGroup("/programs/{program}/redemptions/{redemptionId:guid}");
        redemptions.MapGet("/", Get).RequireAuthorization(Policies.Integrate);
        redemptions.MapPost("/cancel", Cancel).RequireAuthorization(Policies.Integrate).WithIdempotencyKey<RewardsDbContext>()
            .WithSummary("Cancel a redemption before use or shipping: refunds the points, restores the stock, voids the voucher");
        redemptions.MapPost("/fulfilment", ChangeFulfilment).RequireAuthorization(Policies.Integrate)
            .WithExample("Report a physical item shipped or delivered", new ChangeFulfilmentRequest("shipped"));
    }

    private static async Task<Results<Created<RedemptionDto>, Ok<RedemptionDto>, ProblemHttpResult, ValidationProblem>> Redeem(
        string program, Guid memberId, RedeemRewardRequest request, RewardRedemptions redemptions, RewardsDbContext db, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors()
            .Check(request.RewardId is not null && request.RewardId != Guid.Empty, "rewardId", "Say which reward.")
            .Check(request.ExternalId is null or { Length: > 0 and <= 100 }, "externalId", "Give your redemption id (1-100 characters), or leave it out.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var outcome = await redemptions.RedeemAsync(program, memberId, request.RewardId!.Value, request.ExternalId, cancellationToken);
        if (outcome.Refusal is { } refusal)
        {
            return RewardProblems.Problem(refusal.Problem, refusal.Reason);
        }

        var dto = RedemptionDto.From(outcome.Redemption!, await VoucherOfAsync(db, outcome, cancellationToken));
        return outcome.Replayed
            ? TypedResults.Ok(dto)
            : TypedResults.Created($"/api/rewards/programs/{program}/redemptions/{dto.Id}", dto);
    }

    private static async Task<Results<Ok<RedemptionDto>, ProblemHttpResult>> Get(string program, Guid redemptionId, RewardsDbContext db, CancellationToken cancellationToken)
    {
        var redemption = await db.Redemptions.AsNoTracking().SingleOrDefaultAsync(r => r.Id == redemptionId && r.ProgramCode == program, cancellationToken);
        return redemption is null
            ? UnknownRedemption(redemptionId)
            : TypedResults.Ok(RedemptionDto.From(redemption, await VoucherOfAsync(db, new(redemption, null, null, null, true), cancellationToken)));
    }

    /// <summary>The member's redemptions, newest first (at most 200).</summary>
    /// <summary>404 for a member of another program, rather than an empty list, as every member route of a program answers.</summary>
    private static async Task<Results<Ok<List<RedemptionDto>>, ProblemHttpResult>> ForMember(
        string program, Guid memberId, RewardsDbContext db, IMemberPoints points, CancellationToken cancellationToken)
    {
        if (await points.FindStandingAsync(program, memberId, cancellationToken) is null)
        {
            return RewardProblems.Problem(RewardProblems.UnknownMember, $"There is no member {memberId} in program '{program}'.");
        }

        var list = await db.Redemptions.AsNoTracking().Where(r => r.ProgramCode == program && r.MemberId == memberId)
            .OrderByDescending(r => r.Id).Take(200).ToListAsync(cancellationToken);
        var voucherIds = list.Where(r => r.VoucherId != null).Select(r => r.VoucherId!.Value).ToList();
        var vouchers = await db.Vouchers.AsNoTracking().Where(v => voucherIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, cancellationToken);
        return TypedResults.Ok(list.Select(r => RedemptionDto.From(r, r.VoucherId is { } id && vouchers.TryGetValue(id, out var v) ? VoucherDto.From(v, v.Code) : null)).ToList());
    }

    /// <summary>
    /// The program's redemptions for staff (the admin UI's list with fulfilment status): member ids only, and no voucher
    /// codes, which are the member's to use; those stay with the member's own list under <c>loyalty.integrate</c>.
    /// </summary>
    private static async Task<Results<Ok<List<RedemptionDto>>, ValidationProblem>> ForProgram(
        string program, Guid? rewardId, string? status, string? fulfilment, RewardsDbContext db, CancellationToken cancellationToken)
    {
        RedemptionStatus? byStatus = Enum.TryParse<RedemptionStatus>(status, ignoreCase: true, out var parsedStatus) && !int.TryParse(status, out _) ? parsedStatus : null;
        FulfilmentStatus? byFulfilment = Enum.TryParse<FulfilmentStatus>(fulfilment, ignoreCase: true, out var parsedFulfilment) && !int.TryParse(fulfilment, out _) ? parsedFulfilment : null;
        var errors = new ValidationErrors()
            .Check(status is null || byStatus is not null, "status", "Use pending, completed, failed, cancelling or cancelled.")
            .Check(fulfilment is null || byFulfilment is not null, "fulfilment", "Use notShipped, shipped or delivered.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var query = db.Redemptions.AsNoTracking().Where(r => r.ProgramCode == program);
        if (rewardId is { } reward)
        {
            query = query.Where(r => r.RewardId == reward);
        }

        if (byStatus is { } wanted)
        {
            query = query.Where(r => r.Status == wanted);
        }

        if (byFulfilment is { } shipping)
        {
            query = query.Where(r => r.Fulfilment == shipping);
        }

        var list = await query.OrderByDescending(r => r.Id).Take(200).ToListAsync(cancellationToken);
        var voucherIds = list.Where(r => r.VoucherId != null).Select(r => r.VoucherId!.Value).ToList();
        var vouchers = await db.Vouchers.AsNoTracking().Where(v => voucherIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, cancellationToken);
        return TypedResults.Ok(list.Select(r => RedemptionDto.From(r, r.VoucherId is { } id && vouchers.TryGetValue(id, out var v) ? VoucherDto.From(v, null) : null)).ToList());
    }

    private static async Task<Results<Ok<RedemptionDto>, ProblemHttpResult>> Cancel(
        string program, Guid redemptionId, RewardRedemptions redemptions, RewardsDbContext db, CancellationToken cancellationToken)
    {
        var outcome = await redemptions.CancelAsync(program, redemptionId, cancellationToken);
        return outcome.Refusal is { } refusal
            ? RewardProblems.Problem(refusal.Problem, refusal.Reason)
            : TypedResults.Ok(RedemptionDto.From(outcome.Redemption!, await VoucherOfAsync(db, outcome, cancellationToken)));
    }

    private static async Task<Results<Ok<RedemptionDto>, ProblemHttpResult, ValidationProblem>> ChangeFulfilment(
        string program, Guid redemptionId, ChangeFulfilmentRequest request, RewardsDbContext db, AuditTrail audit, CancellationToken cancellationToken)
    {
        if (!Enum.TryParse<FulfilmentStatus>(request.Status, ignoreCase: true, out var status) || int.TryParse(request.Status, out _) || status == FulfilmentStatus.NotShipped)
        {
            return new ValidationErrors().Check(false, "status", "Use shipped or delivered.").ToProblem();
        }

        var redemption = await db.Redemptions.SingleOrDefaultAsync(r => r.Id == redemptionId && r.ProgramCode == program, cancellationToken);
        if (redemption is null)
        {
            return UnknownRedemption(redemptionId);
        }

        if (redemption.Fulfilment is null || redemption.Status != RedemptionStatus.Completed)
        {
            return RewardProblems.Problem(RewardProblems.NotFulfillable, "Only a completed redemption of a physical item is shipped.");
        }

        redemption.Fulfilment = status;
        redemption.Version++;
        audit.Record(db, "rewards.redemption.fulfilment-changed", "redemption", redemption.Id.ToString(), new { status = status.ToString() });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(RedemptionDto.From(redemption, null));
    }

    private static async Task<VoucherDto?> VoucherOfAsync(RewardsDbContext db, RedemptionOutcome outcome, CancellationToken cancellationToken)
    {
        if (outcome.Voucher is { } issued)
        {
            return VoucherDto.From(issued, outcome.IssuedCode);
        }

        return outcome.Redemption?.VoucherId is { } id && await db.Vouchers.AsNoTracking().SingleOrDefaultAsync(v => v.Id == id, cancellationToken) is { } voucher
            ? VoucherDto.From(voucher, voucher.Code)
            : null;
    }

    private static ProblemHttpResult UnknownRedemption(Guid id) =>
        RewardProblems.Problem(RewardProblems.UnknownRedemption, $"There is no redemption {id} in this program.");
}
