using System.Net.Http.Json;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Campaigns;

public sealed class BehaviouralRuleTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task First_purchase_new_category_and_the_third_purchase_within_a_week_are_decided_from_the_members_purchases(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host, new { pointsPerCurrencyUnit = 1 });
        var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        foreach (var rule in new object[]
        {
            new { name = "Welcome", conditions = new { firstPurchase = true }, effects = new { fixedPoints = 100 } },
            new { name = "Discover", conditions = new { newCategory = true }, effects = new { multiplier = 2 } },
            new { name = "Third this week", conditions = new { purchaseNumber = new { n = 3, withinDays = 7 } }, effects = new { fixedPoints = 30 } },
        })
        {
            var created = await marketer.PostAsJsonAsync(Rules(api), rule);
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            var id = (await created.Content.ReadFromJsonAsync<Created>())!.Id;
            (await marketer.PostAsync($"{Rules(api)}/{id}/activate", null)).EnsureSuccessStatusCode();
        }

        var member = await api.EnrollAsync("m-1");
        var now = host.Clock.GetUtcNow();

        // Base 10 each. First: +100, and coffee is new (×2). Second: nothing. Third: shoes are new (×2), third in 7 days (+30).
        Assert.Equal(120, await PurchaseAsync(api, "T-1", member, now.AddHours(-50), "coffee"));
        Assert.Equal(10, await PurchaseAsync(api, "T-2", member, now.AddHours(-26), "Coffee"));
        Assert.Equal(50, await PurchaseAsync(api, "T-3", member, now.AddHours(-1), "shoes"));
        Assert.Equal(120, await PurchaseAsync(api, "T-other", await api.EnrollAsync("m-2"), now.AddHours(-1), "shoes"));
    }

    private static string Rules(MembersApi api) => $"/api/campaigns/programs/{api.Program}/earning-rules";

    private static async Task<long> PurchaseAsync(MembersApi api, string externalId, Guid member, DateTimeOffset at, string category)
    {
        var response = await api.PurchaseAsync(externalId, member, 1_000, at, new { sku = "item", category, quantity = 1, unitPrice = 1_000 });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<Transaction>())!.Points;
    }

    private sealed record Created(Guid Id);

    private sealed record Transaction(long Points);
}
