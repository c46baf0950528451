using System.Net;
using System.Net.Http.Json;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Campaigns;

public sealed class QualifyingBonusTests
{
    private static readonly string[] Shoes = ["shoes"];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_qualifying_points_rule_raises_the_tier_with_the_purchase_without_spendable_points_and_a_return_takes_it_back(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host, new { pointsPerCurrencyUnit = 1 });
        (await api.Admin.PutAsJsonAsync($"/api/members/programs/{api.Program}/tiers", new
        {
            basis = "QualifyingPoints",
            window = "Rolling12Months",
            tiers = new object[]
            {
                new { code = "bronze", name = "Bronze", rank = 1, threshold = 0 },
                new { code = "gold", name = "Gold", rank = 2, threshold = 1000 },
            },
        })).EnsureSuccessStatusCode();
        var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var rules = $"/api/campaigns/programs/{api.Program}/earning-rules";
        var created = await marketer.PostAsJsonAsync(rules, new
        {
            name = "Status boost on shoes", conditions = new { category = Shoes }, effects = new { qualifyingPoints = 900 },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        (await marketer.PostAsync($"{rules}/{(await created.Content.ReadFromJsonAsync<Created>())!.Id}/activate", null)).EnsureSuccessStatusCode();
        var shopper = await api.EnrollAsync("shop-1");
        var other = await api.EnrollAsync("shop-2");
        var at = host.Clock.GetUtcNow().AddMinutes(-1);

        var shoes = await api.PurchaseAsync("T-1", shopper, 10_000, at, new { sku = "runner", category = "shoes", quantity = 1, unitPrice = 10_000 });
        var socks = await api.PurchaseAsync("T-2", other, 10_000, at, new { sku = "socks", category = "apparel", quantity = 1, unitPrice = 10_000 });

        var decided = (await shoes.Content.ReadFromJsonAsync<Decided>())!;
        Assert.Equal(100, decided.Points);
        Assert.Equal(("Status boost on shoes", 0L, 900L), (decided.Rules![0].Name, decided.Rules[0].Points, decided.Rules[0].QualifyingPoints));
        Assert.Equal(100, (await api.PointsAsync(shopper)).Available);
        Assert.Equal(("gold", 1000L), await TierAsync(api, shopper));
        Assert.Equal(("bronze", 100L), await TierAsync(api, other));
        Assert.Equal(HttpStatusCode.Created, socks.StatusCode);

        var half = await api.Pos.PostAsJsonAsync(api.Transactions, new
        {
            externalId = "R-1", type = "return", originalExternalId = "T-1", memberId = shopper, occurredAt = at, currency = "EUR", total = 5_000,
        });
        Assert.Equal(HttpStatusCode.Created, half.StatusCode);
        // Half the points (50) go back, and with them half the bonus (450).
        Assert.Equal(("gold", 500L), await TierAsync(api, shopper));
    }

    private static async Task<(string? Tier, long QualifyingValue)> TierAsync(MembersApi api, Guid member)
    {
        var progress = (await api.Admin.GetFromJsonAsync<Progress>($"{api.Members}/{member}/tier"))!;
        return (progress.Tier, progress.QualifyingValue);
    }

    private sealed record Created(Guid Id);

    private sealed record Decided(long Points, List<Applied>? Rules);

    private sealed record Applied(string Name, long Points, long QualifyingPoints);

    private sealed record Progress(string? Tier, long QualifyingValue);
}
