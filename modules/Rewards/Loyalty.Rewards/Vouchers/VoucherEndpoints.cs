using System.Text.Json;
using Loyalty.Members.Contracts;
using Loyalty.Rewards.Catalog;
using Loyalty.Rewards.Contracts;
using Loyalty.Rewards.Persistence;
using Loyalty.Shared.Http;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Rewards.Vouchers;

internal static class VoucherEndpoints
{
    public static void MapVoucherEndpoints(this RouteGroupBuilder api)
    {
        var vouchers = api.MapGroup("/programs/{program}/vouchers");
        vouchers.MapPost("/validate", Validate).RequireAuthorization(Policies.Integrate)
            .WithExample("Check a code for a member and basket: what would it give?", new CheckVoucherRequest("FIVE-7KX9Q2MZ4HTB", null, 2450));
        vouchers.MapPost("/redeem", Use).RequireAuthorization(Policies.Integrate)
            .WithExample("Use a code once at the till (idempotent on externalId)", new UseVoucherRequest("FIVE-7KX9Q2MZ4HTB", null, 2450, "till-7-receipt-1042"));
        api.MapGet("/programs/{program}/members/{memberId:guid}/vouchers", ForMember).RequireAuthorization(Policies.Integrate)
            .WithSummary("The member's vouchers, newest first (at most 200): from redemptions and from grants of other modules");
    }

    /// <summary>404 for a member of another program, rather than an empty list, as every member route of a program answers.</summary>
    private static async Task<Results<Ok<List<MemberVoucherDto>>, ProblemHttpResult>> ForMember(
        string program, Guid memberId, RewardsDbContext db, IMemberPoints points, CancellationToken cancellationToken)
    {
        if (await points.FindStandingAsync(program, memberId, cancellationToken) is null)
        {
            return RewardProblems.Problem(RewardProblems.UnknownMember, $"There is no member {memberId} in program '{program}'.");
        }

        var list = await db.Vouchers.AsNoTracking().Where(v => v.ProgramCode == program && v.MemberId == memberId)
            .OrderByDescending(v => v.IssuedAt).ThenByDescending(v => v.Id).Take(200).ToListAsync(cancellationToken);
        return TypedResults.Ok(list.Select(MemberVoucherDto.From).ToList());
    }

    private static async Task<Results<Ok<VoucherCheckDto>, ProblemHttpResult, ValidationProblem>> Validate(
        string program, CheckVoucherRequest request, HttpContext http, RewardsDbContext db, VoucherCodeGuard guard, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var (voucher, refusal) = await FindAsync(program, request.Code!, http, db, guard, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (Refusal(voucher!, request.MemberId, request.BasketTotal!.Value, clock.GetUtcNow()) is { } refused)
        {
            return refused;
        }

        return TypedResults.Ok(new VoucherCheckDto(
            voucher!.Id, JsonNamingPolicy.CamelCase.ConvertName(voucher.Kind.ToString()), voucher.DiscountOn(request.BasketTotal!.Value), voucher.ProductSku, voucher.ExpiresAt, voucher.MaxUses - voucher.Uses));
    }

    /// <summary>
    /// Uses a code once: the use count goes up by a conditional update, in one transaction with the use record, so two
    /// tills never both use a single-use code. A repeat with the same <c>externalId</c> answers the first use.
    /// </summary>
    private static async Task<Results<Created<VoucherUseDto>, Ok<VoucherUseDto>, ProblemHttpResult, ValidationProblem>> Use(
        string program, UseVoucherRequest request, HttpContext http, RewardsDbContext db, VoucherCodeGuard guard, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var (voucher, refusal) = await FindAsync(program, request.Code!, http, db, guard, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        for (var attempt = 1; ; attempt++)
        {
            if (await db.VoucherUses.AsNoTracking().SingleOrDefaultAsync(u => u.VoucherId == voucher!.Id && u.ExternalId == request.ExternalId, cancellationToken) is { } earlier)
            {
                return TypedResults.Ok(UseDto(voucher!, earlier));
            }

            var now = clock.GetUtcNow();
            if (Refusal(voucher!, request.MemberId, request.BasketTotal!.Value, now) is { } refused)
            {
                return refused;
            }

            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var counted = await db.Vouchers
                    .Where(v => v.Id == voucher!.Id && v.Status == VoucherStatus.Active && v.Uses < v.MaxUses)
                    .ExecuteUpdateAsync(s => s.SetProperty(v => v.Uses, v => v.Uses + 1), cancellationToken);
                if (counted == 0)
                {
                    // Another till used it (or it was voided) since the look-up.
                    await transaction.RollbackAsync(cancellationToken);
                    voucher = await db.Vouchers.AsNoTracking().SingleAsync(v => v.Id == voucher!.Id, cancellationToken);
                    return Refusal(voucher, request.MemberId, request.BasketTotal.Value, now)
                        ?? RewardProblems.Problem(RewardProblems.VoucherUsed, "The voucher has been used.");
                }

                var use = new VoucherUse
                {
                    Id = Guid.CreateVersion7(now),
                    VoucherId = voucher!.Id,
                    ExternalId = request.ExternalId!,
                    MemberId = request.MemberId,
                    BasketTotal = request.BasketTotal.Value,
                    Discount = voucher.DiscountOn(request.BasketTotal.Value),
                    UsedAt = now,
                };
                db.VoucherUses.Add(use);
                db.Publish(new VoucherUsed(Guid.CreateVersion7(now), now, program, voucher.Id, request.MemberId ?? voucher.MemberId, use.ExternalId, use.Discount));
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                voucher = await db.Vouchers.AsNoTracking().SingleAsync(v => v.Id == voucher.Id, cancellationToken);
                return TypedResults.Created($"/api/rewards/programs/{program}/vouchers/{voucher.Id}", UseDto(voucher, use));
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // The same till transaction, sent twice at once: the other one recorded the use.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>Finds a voucher by its code's hash, behind the guard against guessing.</summary>
    private static async Task<(Voucher? Voucher, ProblemHttpResult? Refusal)> FindAsync(
        string program, string code, HttpContext http, RewardsDbContext db, VoucherCodeGuard guard, CancellationToken cancellationToken)
    {
        var client = http.User.FindFirst(CurrentActor.ActorClaim)?.Value ?? $"address:{http.Connection.RemoteIpAddress}";
        if (guard.Blocked(client) is { } wait)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return (null, RewardProblems.Problem(RewardProblems.TooManyInvalidCodes, "Too many unknown codes were sent from this client; wait and try again."));
        }

        var hash = VoucherCodes.Hash(code);
        var voucher = await db.Vouchers.AsNoTracking().SingleOrDefaultAsync(v => v.ProgramCode == program && v.CodeHash == hash, cancellationToken);
        if (voucher is null)
        {
            guard.RecordUnknownCode(client);
            return (null, RewardProblems.Problem(RewardProblems.UnknownVoucher, "No voucher has this code."));
        }

        return (voucher, null);
    }

    private static ProblemHttpResult? Refusal(Voucher voucher, Guid? memberId, long basketTotal, DateTimeOffset now)
    {
        if (voucher.Status == VoucherStatus.Voided)
        {
            return RewardProblems.Problem(RewardProblems.VoucherVoided, "The voucher was withdrawn.");
        }

        if (voucher.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            return RewardProblems.Problem(RewardProblems.VoucherExpired, $"The voucher expired at {expiresAt:u}.");
        }

        if (voucher.Uses >= voucher.MaxUses)
        {
            return RewardProblems.Problem(RewardProblems.VoucherUsed, voucher.MaxUses == 1 ? "The voucher has been used." : $"All {voucher.MaxUses} uses of the voucher are spent.");
        }

        if (voucher.MemberId is { } owner && memberId != owner)
        {
            return RewardProblems.Problem(RewardProblems.VoucherNotForMember, "The voucher is bound to another member; send the member it was issued to.");
        }

        return voucher.MinimumSpend is { } minimum && basketTotal < minimum
            ? RewardProblems.Problem(RewardProblems.MinimumSpendNotMet, $"The voucher needs a basket of at least {minimum} (minor units).")
            : null;
    }

    private static VoucherUseDto UseDto(Voucher voucher, VoucherUse use) =>
        new(voucher.Id, use.ExternalId, JsonNamingPolicy.CamelCase.ConvertName(voucher.Kind.ToString()), use.Discount, voucher.ProductSku, use.UsedAt, voucher.MaxUses - voucher.Uses);
}
