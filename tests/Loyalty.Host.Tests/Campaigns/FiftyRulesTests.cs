using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Campaigns;

/// <summary>
/// The 50 rules the accrual benchmark runs with (benchmarks/Loyalty.Benchmarks/Rules/fifty-rules.json: 40 on the lines,
/// the purchase and the member, 10 behavioural), active together, deciding purchases posted over HTTP.
/// </summary>
public sealed class FiftyRulesTests
{
    /// <summary>
    /// What each rule gives the first and the second purchase below; a rule not named gives neither anything. The base
    /// is 190 (1 point per EUR of each line); r37 doubles the shoes line's 100; r35 beats r34 in their bestOf group.
    /// </summary>
    private static readonly Dictionary<string, (long First, long Second)> Expected = new()
    {
        ["r01 shoes"] = (1, 1), ["r03 runner sku"] = (3, 3), ["r05 acme brand"] = (5, 5), ["r07 red line"] = (7, 7), ["r09 two or more"] = (9, 9),
        ["r11 order of 100"] = (11, 11), ["r13 in store"] = (13, 0), ["r15 berlin"] = (15, 0), ["r17 card"] = (17, 0), ["r19 black friday"] = (19, 0),
        ["r22 not gold"] = (22, 22), ["r24 member up to ten years"] = (24, 24), ["r25 new members"] = (25, 25), ["r27 every day"] = (27, 27),
        ["r29 shoes in store"] = (29, 0), ["r30 cash or unknown sku"] = (0, 30), ["r31 online"] = (0, 31),
        ["r32 tenth of a point per euro without gift cards"] = (14, 14), ["r33 a point per euro on hats"] = (20, 20), ["r35 shoes best of (more)"] = (35, 35),
        ["r36 capped bonus"] = (36, 36), ["r37 double points on shoes"] = (100, 100), ["r38 apparel"] = (38, 38), ["r40 our stores"] = (40, 40),
        ["r41 first purchase"] = (41, 0), ["r42 not the first purchase"] = (0, 42), ["r43 second purchase"] = (0, 43), ["r44 second purchase of the year"] = (0, 44),
        ["r45 back within 30 days"] = (0, 45), ["r46 spent 300 in 90 days"] = (0, 46), ["r47 new category"] = (47, 0), ["r48 category bought before"] = (0, 48),
        ["r49 first purchase ever"] = (49, 0),
    };

    private static readonly object[] Lines =
    [
        new { sku = "runner-42", category = "shoes", brand = "acme", quantity = 1, unitPrice = 10_000 },
        new { sku = "sock-3", category = "apparel", quantity = 2, unitPrice = 500 },
        new { sku = "cap-1", category = "hats", quantity = 1, unitPrice = 2_000, attributes = new { color = "red" } },
        new { sku = "gift-card", category = "gift-cards", quantity = 1, unitPrice = 5_000 },
        new { sku = "bottle", category = "accessories", quantity = 1, unitPrice = 1_000 },
    ];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Fifty_active_rules_decide_each_purchase_posted_over_http_with_its_breakdown(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host, new { pointsPerCurrencyUnit = 1 });
        var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var rules = $"/api/campaigns/programs/{api.Program}/earning-rules";
        var definitions = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Campaigns", "fifty-rules.json")))!.AsArray();
        Assert.Equal(50, definitions.Count);
        foreach (var definition in definitions)
        {
            var created = await marketer.PostAsJsonAsync(rules, definition);
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            (await marketer.PostAsync($"{rules}/{id}/activate", null)).EnsureSuccessStatusCode();
        }

        var member = await api.EnrollAsync("m-1");
        var first = await PostAsync(api, new
        {
            externalId = "T-1", memberId = member, occurredAt = host.Clock.GetUtcNow(), currency = "EUR", total = 19_000, channel = "pos", store = "berlin-1",
            paymentMethod = "card", attributes = new { campaign = "black-friday" }, lines = Lines,
        });
        host.Clock.Advance(TimeSpan.FromHours(1));
        var second = await PostAsync(api, new
        {
            externalId = "T-2", memberId = member, occurredAt = host.Clock.GetUtcNow(), currency = "EUR", total = 19_000, channel = "web", store = "hamburg-1",
            paymentMethod = "cash", lines = Lines,
        });

        Assert.Equal(Expected.Where(e => e.Value.First > 0).Select(e => (e.Key, e.Value.First)).Order(), first.Rules!.Select(r => (r.Name, r.Points)).Order());
        Assert.Equal(190 + Expected.Values.Sum(e => e.First), first.Points);
        Assert.Equal(Expected.Where(e => e.Value.Second > 0).Select(e => (e.Key, e.Value.Second)).Order(), second.Rules!.Select(r => (r.Name, r.Points)).Order());
        Assert.Equal(190 + Expected.Values.Sum(e => e.Second), second.Points);
        Assert.Equal(first.Points + second.Points, (await api.PointsAsync(member)).Available);
    }

    private static async Task<Decided> PostAsync(MembersApi api, object purchase)
    {
        var response = await api.Pos.PostAsJsonAsync(api.Transactions, purchase);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<Decided>())!;
    }

    private sealed record Decided(long Points, List<Applied>? Rules);

    private sealed record Applied(string Name, long Points);
}
