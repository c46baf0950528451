using System.Text.Json;
using Loyalty.Campaigns.Contracts;
using Loyalty.Members.Contracts;
using Loyalty.Rewards.Persistence;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Rewards.Catalog;

internal static class CatalogEndpoints
{
    public static void MapCatalogEndpoints(this RouteGroupBuilder api)
    {
        var rewards = api.MapGroup("/programs/{program}/rewards");
        rewards.MapPost("/", Create).RequireAuthorization(Policies.ManagePrograms).WithIdempotencyKey<RewardsDbContext>()
            .WithExample("Add a reward to the catalog", new CreateRewardRequest(
                "5 € off your next visit", "On any basket from 20 €.", "https://cdn.example.com/rewards/5-off.png", "vouchers", "discountVoucher", "active",
                500, new() { ["gold"] = 400 }, 0, null, null, 1000, null, 2, null, [], 500, null, 2000, null, 30,
                new(Prefix: "FIVE-", Length: 12, Alphabet: null, CheckCharacter: true, HashOnly: false), AudienceSegments: ["regulars"]));
        rewards.MapGet("/", List).RequireAuthorization(Policies.ViewPrograms);
        rewards.MapGet("/{rewardId:guid}", Get).RequireAuthorization(Policies.ViewPrograms);
        rewards.MapPost("/{rewardId:guid}/status", ChangeStatus).RequireAuthorization(Policies.ManagePrograms)
            .WithExample("Activate, pause (draft) or retire a reward", new ChangeRewardStatusRequest("retired"));
        rewards.MapPost("/{rewardId:guid}/stock", Restock).RequireAuthorization(Policies.ManagePrograms).WithIdempotencyKey<RewardsDbContext>()
            .WithExample("Add items to a counted stock", new RestockRequest(50));
        api.MapGet("/programs/{program}/members/{memberId:guid}/rewards", ForMember).RequireAuthorization(Policies.Integrate);
    }

    private static async Task<Results<Created<RewardDto>, ValidationProblem>> Create(
        string program, CreateRewardRequest request, RewardsDbContext db, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var now = clock.GetUtcNow();
        var reward = request.ToReward(program, Guid.CreateVersion7(now), now);
        db.Rewards.Add(reward);
        audit.Record(db, "rewards.reward.created", "reward", reward.Id.ToString(), new { program, kind = reward.Kind.ToString(), reward.PointsCost, reward.Stock });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/rewards/programs/{program}/rewards/{reward.Id}", RewardDto.From(reward));
    }

    private static async Task<Ok<List<RewardDto>>> List(string program, RewardsDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok((await db.Rewards.AsNoTracking().Where(r => r.ProgramCode == program).OrderBy(r => r.Id).ToListAsync(cancellationToken))
            .Select(RewardDto.From).ToList());

    private static async Task<Results<Ok<RewardDto>, ProblemHttpResult>> Get(string program, Guid rewardId, RewardsDbContext db, CancellationToken cancellationToken) =>
        await db.Rewards.AsNoTracking().SingleOrDefaultAsync(r => r.Id == rewardId && r.ProgramCode == program, cancellationToken) is { } reward
            ? TypedResults.Ok(RewardDto.From(reward))
            : Unknown(rewardId);

    private static async Task<Results<Ok<RewardDto>, ProblemHttpResult, ValidationProblem>> ChangeStatus(
        string program, Guid rewardId, ChangeRewardStatusRequest request, RewardsDbContext db, AuditTrail audit, CancellationToken cancellationToken)
    {
        var status = CreateRewardRequest.ParseStatus(request.Status);
        if (status is null)
        {
            return new ValidationErrors().Check(false, "status", "Use draft, active or retired.").ToProblem();
        }

        var reward = await db.Rewards.SingleOrDefaultAsync(r => r.Id == rewardId && r.ProgramCode == program, cancellationToken);
        if (reward is null)
        {
            return Unknown(rewardId);
        }

        reward.Status = status.Value;
        reward.Version++;
        audit.Record(db, "rewards.reward.status-changed", "reward", reward.Id.ToString(), new { status = status.ToString() });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(RewardDto.From(reward));
    }

    /// <summary>Adds to the stock in one conditional update, so it never races with redemptions taking items.</summary>
    private static async Task<Results<Ok<RewardDto>, ProblemHttpResult, ValidationProblem>> Restock(
        string program, Guid rewardId, RestockRequest request, RewardsDbContext db, AuditTrail audit, CancellationToken cancellationToken)
    {
        if (request.Add is not (> 0 and <= CreateRewardRequest.MaxPoints))
        {
            return new ValidationErrors().Check(false, "add", "Give 1 or more items.").ToProblem();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var added = await db.Rewards.Where(r => r.Id == rewardId && r.ProgramCode == program && r.Stock != null && r.Kind != RewardKind.PartnerReward)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Stock, r => r.Stock + request.Add.Value), cancellationToken);
        var reward = await db.Rewards.AsNoTracking().SingleOrDefaultAsync(r => r.Id == rewardId && r.ProgramCode == program, cancellationToken);
        if (reward is null)
        {
            return Unknown(rewardId);
        }

        if (added == 0)
        {
            return new ValidationErrors().Check(false, "add", reward.Kind == RewardKind.PartnerReward
                ? "A partner reward's stock is its pool of codes: upload more codes instead."
                : "The reward's stock is unlimited.").ToProblem();
        }

        audit.Record(db, "rewards.reward.restocked", "reward", reward.Id.ToString(), new { added = request.Add });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(RewardDto.From(reward));
    }

    /// <summary>
    /// The active rewards as one member sees them: what each costs them and, for those they cannot redeem now, why
    /// (<c>needs gold</c>, <c>out of stock</c>, <c>limit reached</c>, <c>needs 120 more points</c>).
    /// </summary>
    private static async Task<Results<Ok<List<MemberRewardDto>>, ProblemHttpResult>> ForMember(
        string program, Guid memberId, RewardsDbContext db, IMemberPoints points, ISegmentMembership segmentMembership, TimeProvider clock, CancellationToken cancellationToken)
    {
        var standing = await points.FindStandingAsync(program, memberId, cancellationToken);
        if (standing is null)
        {
            return RewardProblems.Problem(RewardProblems.UnknownMember, $"There is no member {memberId} in program '{program}'.");
        }

        var now = clock.GetUtcNow();
        var rewards = await db.Rewards.AsNoTracking()
            .Where(r => r.ProgramCode == program && r.Status == RewardStatus.Active && (r.AvailableUntil == null || r.AvailableUntil > now))
            .OrderBy(r => r.PointsCost).ThenBy(r => r.Id)
            .ToListAsync(cancellationToken);
        var usage = (await db.RewardUsages.AsNoTracking().Where(u => u.MemberId == memberId).ToListAsync(cancellationToken))
            .ToLookup(u => u.RewardId);
        var segments = rewards.Any(r => r.AudienceSegments.Count > 0)
            ? await segmentMembership.SegmentsOfAsync(program, memberId, cancellationToken)
            : new HashSet<string>();
        return TypedResults.Ok(rewards.Select(reward =>
        {
            var locked = RewardEligibility.Lock(reward, standing, now, usage[reward.Id].ToDictionary(u => u.Period, u => u.Count), segments);
            return new MemberRewardDto(
                reward.Id, reward.Name, reward.Description, reward.ImageUrl, reward.Category, JsonNamingPolicy.CamelCase.ConvertName(reward.Kind.ToString()),
                reward.CostFor(standing.TierCode), reward.CashCoPay, reward.Stock, locked is null, locked?.Reason, locked?.Problem);
        }).ToList());
    }

    public static ProblemHttpResult Unknown(Guid rewardId) =>
        RewardProblems.Problem(RewardProblems.UnknownReward, $"There is no reward {rewardId} in this program.");
}
