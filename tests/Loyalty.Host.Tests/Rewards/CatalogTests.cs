using System.Net;
using System.Net.Http.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Rewards;

public sealed class CatalogTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_member_sees_the_active_rewards_at_their_price_and_why_the_locked_ones_are_locked(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await RewardsApi.CreateAsync(host);
        var now = host.Clock.GetUtcNow();
        var coffee = await api.CreateRewardAsync(new { name = "Coffee", pointsCost = 100, tierPointsCost = new Dictionary<string, long> { ["gold"] = 50 } });
        var lounge = await api.CreateRewardAsync(new { name = "Lounge", audienceTiers = new List<string> { "gold", "platinum" } });
        var soldOut = await api.CreateRewardAsync(new { name = "Mug", stock = 0 });
        var once = await api.CreateRewardAsync(new { name = "Welcome gift", pointsCost = 100, limitLifetime = 1 });
        var trip = await api.CreateRewardAsync(new { name = "Trip", pointsCost = 10_000 });
        var later = await api.CreateRewardAsync(new { name = "Advent", availableFrom = now.AddDays(10) });
        await api.CreateRewardAsync(new { name = "Over", availableFrom = now.AddDays(-10), availableUntil = now.AddDays(-1) });
        await api.CreateRewardAsync(new { name = "Draft", status = "draft" });
        var member = await api.MemberWithPointsAsync("shop-1", 1000);
        (await api.RedeemAsync(member, once.Id)).EnsureSuccessStatusCode();

        var listing = (await api.Pos.GetFromJsonAsync<List<Listed>>($"/api/rewards/programs/{api.Members.Program}/members/{member}/rewards"))!
            .ToDictionary(r => r.Name);

        Assert.Equal(["Advent", "Coffee", "Lounge", "Mug", "Trip", "Welcome gift"], listing.Keys.Order());
        Assert.Equal(new Listed(coffee.Id, "Coffee", 100, true, null, null), listing["Coffee"]);
        Assert.Equal(new Listed(lounge.Id, "Lounge", 500, false, "needs gold or platinum", "not-in-audience"), listing["Lounge"]);
        Assert.Equal(new Listed(soldOut.Id, "Mug", 500, false, "out of stock", "out-of-stock"), listing["Mug"]);
        Assert.Equal(new Listed(once.Id, "Welcome gift", 100, false, "limit reached", "limit-reached"), listing["Welcome gift"]);
        Assert.Equal(new Listed(trip.Id, "Trip", 10_000, false, "needs 9100 more points", "insufficient-points"), listing["Trip"]);
        Assert.Equal("reward-unavailable", listing["Advent"].LockType);
        Assert.Equal(later.Id, listing["Advent"].Id);
    }

    [Fact]
    public async Task Bad_reward_fields_are_all_named_in_one_answer_and_nothing_is_created()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await RewardsApi.CreateAsync(host);

        var response = await api.Admin.PostAsJsonAsync(api.Rewards, new
        {
            name = "",
            kind = "discountVoucher",
            pointsCost = 0,
            imageUrl = "ftp://x",
            stock = -1,
            limitPerDay = 0,
            value = 100,
            percent = 10m,
            availableFrom = "2027-01-02T00:00:00Z",
            availableUntil = "2027-01-01T00:00:00Z",
            codeFormat = new { length = 40 },
        });
        var unknownKind = await api.Admin.PostAsJsonAsync(api.Rewards, new { name = "x", kind = "spaceship", pointsCost = 10 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(
            ["availableUntil", "codeFormat.length", "imageUrl", "limitPerDay", "name", "pointsCost", "stock", "value"],
            (await response.Content.ReadFromJsonAsync<RewardsApi.ValidationProblem>())!.Errors.Keys.Order());
        Assert.Contains("kind", (await unknownKind.Content.ReadFromJsonAsync<RewardsApi.ValidationProblem>())!.Errors.Keys);
        Assert.Empty((await api.Admin.GetFromJsonAsync<List<RewardsApi.RewardView>>(api.Rewards))!);
    }

    [Fact]
    public async Task A_retired_reward_cannot_be_redeemed_and_restocking_adds_to_the_stock()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await RewardsApi.CreateAsync(host);
        var reward = await api.CreateRewardAsync(new { stock = 1 });
        var member = await api.MemberWithPointsAsync("shop-1", 1000);

        (await api.Admin.PostAsJsonAsync($"{api.Rewards}/{reward.Id}/stock", new { add = 4 })).EnsureSuccessStatusCode();
        (await api.Admin.PostAsJsonAsync($"{api.Rewards}/{reward.Id}/status", new { status = "retired" })).EnsureSuccessStatusCode();
        var refused = await api.RedeemAsync(member, reward.Id);

        Assert.Equal(5, await api.StockAsync(reward.Id));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("urn:loyalty:rewards:reward-unavailable", (await refused.Content.ReadFromJsonAsync<RewardsApi.Problem>())!.Type);
        Assert.Equal(1000, await api.PointsAsync(member));
    }

    private sealed record Listed(Guid Id, string Name, long PointsCost, bool Redeemable, string? LockedReason, string? LockType);
}
