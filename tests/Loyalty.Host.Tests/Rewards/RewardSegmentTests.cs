using System.Net;
using System.Net.Http.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Rewards;

public sealed class RewardSegmentTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_reward_for_a_segment_is_locked_for_members_outside_it_and_their_redemption_is_refused_with_its_own_type(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await RewardsApi.CreateAsync(host);
        var vip = await api.MemberWithPointsAsync("vip", 1000);
        var regular = await api.MemberWithPointsAsync("regular", 1000);
        var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var segments = $"/api/campaigns/programs/{api.Members.Program}/segments";
        (await marketer.PostAsJsonAsync(segments, new { code = "vip", name = "VIP", members = new { ids = new[] { vip } } })).EnsureSuccessStatusCode();
        for (var i = 0; (await marketer.GetFromJsonAsync<SegmentView>($"{segments}/vip"))!.Evaluation.State != "done"; i++)
        {
            Assert.True(i < 100, "The segment was not evaluated.");
            await host.RunJobAsync("campaigns", "EvaluateSegmentsJob");
        }

        var night = await api.CreateRewardAsync(new { name = "VIP night", audienceSegments = new List<string> { "vip", "founders" } });

        var regularSees = await ListedAsync(api, regular);
        var vipSees = await ListedAsync(api, vip);
        var refused = await api.RedeemAsync(regular, night.Id);
        var redeemed = await api.RedeemAsync(vip, night.Id);

        Assert.Equal((false, "not in segment vip or founders", "not-in-segment"), (regularSees.Redeemable, regularSees.LockedReason, regularSees.LockType));
        Assert.Equal((true, null, null), (vipSees.Redeemable, vipSees.LockedReason, vipSees.LockType));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("urn:loyalty:rewards:not-in-segment", (await refused.Content.ReadFromJsonAsync<RewardsApi.Problem>())!.Type);
        Assert.Equal(1000, await api.PointsAsync(regular));
        Assert.Equal(HttpStatusCode.Created, redeemed.StatusCode);
        Assert.Equal(500, await api.PointsAsync(vip));
    }

    private static async Task<Listed> ListedAsync(RewardsApi api, Guid member) =>
        Assert.Single((await api.Pos.GetFromJsonAsync<List<Listed>>($"/api/rewards/programs/{api.Members.Program}/members/{member}/rewards"))!);

    private sealed record Listed(Guid Id, string Name, bool Redeemable, string? LockedReason, string? LockType);

    private sealed record SegmentView(string Code, SegmentEvaluationView Evaluation);

    private sealed record SegmentEvaluationView(string State);
}
