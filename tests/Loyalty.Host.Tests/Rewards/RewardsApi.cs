using System.Net.Http.Json;
using Loyalty.Host.Tests.Members;

namespace Loyalty.Host.Tests.Rewards;

/// <summary>A program with its members (through <see cref="MembersApi"/>) and the Rewards API's routes and views.</summary>
public sealed class RewardsApi
{
    private RewardsApi(MembersApi members) => Members = members;

    public MembersApi Members { get; }

    public HttpClient Admin => Members.Admin;

    public HttpClient Pos => Members.Pos;

    public string Rewards => $"/api/rewards/programs/{Members.Program}/rewards";

    public string Vouchers => $"/api/rewards/programs/{Members.Program}/vouchers";

    public static async Task<RewardsApi> CreateAsync(LoyaltyHost host) => new(await MembersApi.CreateAsync(host));

    public string RedemptionsOf(Guid memberId) => $"/api/rewards/programs/{Members.Program}/members/{memberId}/redemptions";

    public string Redemption(Guid id) => $"/api/rewards/programs/{Members.Program}/redemptions/{id}";

    /// <summary>A discount voucher reward of 500 points; <paramref name="settings"/> overrides or adds fields.</summary>
    public async Task<RewardView> CreateRewardAsync(object? settings = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["name"] = "5 € off",
            ["kind"] = "discountVoucher",
            ["pointsCost"] = 500,
            ["value"] = 500,
        };
        foreach (var property in settings?.GetType().GetProperties() ?? [])
        {
            body[char.ToLowerInvariant(property.Name[0]) + property.Name[1..]] = property.GetValue(settings);
        }

        var response = await Admin.PostAsJsonAsync(Rewards, body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<RewardView>())!;
    }

    /// <summary>A new member with <paramref name="points"/> spendable points.</summary>
    public async Task<Guid> MemberWithPointsAsync(string externalId, long points)
    {
        var member = await Members.EnrollAsync(externalId);
        if (points > 0)
        {
            (await Admin.PostAsJsonAsync($"{Members.Members}/{member}/adjustments", new { points, reason = "test balance" })).EnsureSuccessStatusCode();
        }

        return member;
    }

    public Task<HttpResponseMessage> RedeemAsync(Guid memberId, Guid rewardId, string? externalId = null) =>
        Pos.PostAsJsonAsync(RedemptionsOf(memberId), new { rewardId, externalId });

    public async Task<long> PointsAsync(Guid memberId) => (await Members.PointsAsync(memberId)).Available;

    public async Task<long?> StockAsync(Guid rewardId) => (await Admin.GetFromJsonAsync<RewardView>($"{Rewards}/{rewardId}"))!.Stock;

    public sealed record RewardView(Guid Id, string Name, string Kind, string Status, long PointsCost, long? Stock);

    public sealed record RedemptionView(Guid Id, Guid RewardId, Guid MemberId, string? ExternalId, string Status, long Points, string? Fulfilment, VoucherView? Voucher);

    public sealed record VoucherView(Guid Id, string? Code, string Kind, long? Value, DateTimeOffset? ExpiresAt, int MaxUses, int Uses, string Status);

    public sealed record Problem(string Type, string Title, int Status, string? Detail);

    public sealed record ValidationProblem(Dictionary<string, string[]> Errors);
}
