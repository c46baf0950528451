using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using Loyalty.Shared.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Campaigns;

public sealed class EarningRuleTests
{
    private static readonly string[] Skus = ["a"];

    private static readonly object GoldShoesInNovember = new
    {
        name = "3x points on shoes for Gold in November",
        window = new { from = "2026-11-01T00:00:00", to = "2026-12-01T00:00:00" },
        audience = new { tiers = new[] { "gold" } },
        conditions = new { category = new[] { "Shoes" } },
        effects = new { multiplier = 3 },
    };

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Triple_points_on_shoes_for_gold_members_in_november_is_data_and_decides_the_purchase(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var (api, marketer) = await ProgramAsync(host);
        var gold = await api.EnrollAsync("gold-1");
        var other = await api.EnrollAsync("other-1");
        (await api.Admin.PostAsJsonAsync($"{api.Members}/{gold}/tier", new { tier = "gold", reason = "Status match" })).EnsureSuccessStatusCode();
        var rule = await CreateAsync(marketer, api, GoldShoesInNovember);
        (await marketer.PostAsync($"{Rules(api)}/{rule}/activate", null)).EnsureSuccessStatusCode();

        // Per line, 1 point per euro: 100 and 10; Gold's 1.5 → 150 and 15; the rule's 3 on the shoes → 450.
        var at = host.Clock.GetUtcNow().AddMinutes(-1);
        Assert.Equal(465, await PointsOfAsync(await PurchaseAsync(api, "T-1", gold, at)));
        Assert.Equal(110, await PointsOfAsync(await PurchaseAsync(api, "T-2", other, at)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Editing_an_active_rule_makes_a_new_version_that_the_next_purchase_uses(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var (api, marketer) = await ProgramAsync(host);
        var member = await api.EnrollAsync("shop-1");
        var rule = await CreateAsync(marketer, api, new { name = "Bonus", effects = new { fixedPoints = 5 } });
        var draftEdit = await marketer.PutAsJsonAsync($"{Rules(api)}/{rule}", new { name = "Bonus", effects = new { fixedPoints = 7 } });
        Assert.Equal(1, (await draftEdit.Content.ReadFromJsonAsync<RuleView>())!.Version);
        var at = host.Clock.GetUtcNow().AddMinutes(-1);
        Assert.Equal(110, await PointsOfAsync(await PurchaseAsync(api, "T-0", member, at)));

        (await marketer.PostAsync($"{Rules(api)}/{rule}/activate", null)).EnsureSuccessStatusCode();
        Assert.Equal(117, await PointsOfAsync(await PurchaseAsync(api, "T-1", member, at)));
        var edited = await marketer.PutAsJsonAsync($"{Rules(api)}/{rule}", new { name = "Bigger bonus", effects = new { fixedPoints = 50 } });
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal(160, await PointsOfAsync(await PurchaseAsync(api, "T-2", member, at)));

        var viewer = await host.ApiKeyClientAsync(Roles.Support);
        var read = (await viewer.GetFromJsonAsync<RuleView>($"{Rules(api)}/{rule}"))!;
        Assert.Equal(("active", 2, "Bigger bonus"), (read.Status, read.Version, read.Name));
        Assert.Equal([(2, 50L), (1, 7L)], read.Versions!.Select(v => (v.Version, (long)v.Definition["effects"]!["fixedPoints"]!)));

        (await marketer.PostAsync($"{Rules(api)}/{rule}/pause", null)).EnsureSuccessStatusCode();
        Assert.Equal(110, await PointsOfAsync(await PurchaseAsync(api, "T-3", member, at)));
        (await marketer.PostAsync($"{Rules(api)}/{rule}/archive", null)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Conflict, (await marketer.PostAsync($"{Rules(api)}/{rule}/activate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync($"{Rules(api)}/{rule}/pause", null)).StatusCode);
        Assert.Equal(["archived"], (await viewer.GetFromJsonAsync<List<RuleView>>(Rules(api)))!.Select(r => r.Status));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_purchase_keeps_which_rule_versions_decided_its_points_and_what_each_added(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var (api, marketer) = await ProgramAsync(host);
        var member = await api.EnrollAsync("shop-1");
        var at = host.Clock.GetUtcNow().AddMinutes(-1);
        var baseOnly = await (await PurchaseAsync(api, "T-0", member, at)).Content.ReadFromJsonAsync<TransactionWithRules>();

        var rule = await CreateAsync(marketer, api, new { name = "Bonus", effects = new { fixedPoints = 5 } });
        (await marketer.PostAsync($"{Rules(api)}/{rule}/activate", null)).EnsureSuccessStatusCode();
        (await marketer.PutAsJsonAsync($"{Rules(api)}/{rule}", new { name = "Bigger bonus", effects = new { fixedPoints = 50 } })).EnsureSuccessStatusCode();
        var decided = await (await PurchaseAsync(api, "T-1", member, at)).Content.ReadFromJsonAsync<TransactionWithRules>();

        Assert.Null(baseOnly!.Rules);
        Assert.Equal(160, decided!.Points);
        Assert.Equal([new AppliedRuleView(rule, 2, "Bigger bonus", 50)], decided.Rules!);
    }

    [Fact]
    public async Task A_malformed_rule_is_refused_naming_each_part_at_fault_and_nothing_is_stored()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var (api, marketer) = await ProgramAsync(host);

        var bad = await marketer.PostAsJsonAsync(Rules(api), new
        {
            name = "Broken",
            window = new { from = "2026-12-01T00:00:00", to = "2026-11-01T00:00:00" },
            conditions = new { all = new object[] { new { sku = Skus }, new { category = Array.Empty<string>() } } },
            effects = new { multiplier = 2, capPerTransaction = -1 },
        });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(
            ["conditions.all[1].category", "effects.capPerTransaction", "window.to"],
            (await bad.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys.Order());
        Assert.Empty((await marketer.GetFromJsonAsync<List<RuleView>>(Rules(api)))!);
    }

    [Fact]
    public async Task A_rule_with_a_field_the_shape_does_not_have_is_refused_naming_that_field()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var (api, marketer) = await ProgramAsync(host);

        var misspelt = await marketer.PostAsJsonAsync(Rules(api), new { name = "Double", effects = new { mutliplier = 2 } });
        var nested = await marketer.PostAsJsonAsync(Rules(api), new
        {
            name = "Shoes",
            conditions = new { all = new object[] { new { sku = Skus }, new { categories = Skus } } },
            effects = new { multiplier = 2 },
        });

        Assert.Equal(HttpStatusCode.BadRequest, misspelt.StatusCode);
        Assert.Equal("application/problem+json", misspelt.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["effects.mutliplier"], (await misspelt.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys);
        Assert.Equal(["conditions.all[1].categories"], (await nested.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys);
        Assert.Empty((await marketer.GetFromJsonAsync<List<RuleView>>(Rules(api)))!);
    }

    [Fact]
    public async Task Simulate_explains_each_rule_and_why_one_did_not_match_without_writing()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var (api, marketer) = await ProgramAsync(host);
        var rule = await CreateAsync(marketer, api, GoldShoesInNovember);
        (await marketer.PostAsync($"{Rules(api)}/{rule}/activate", null)).EnsureSuccessStatusCode();
        var viewer = await host.ApiKeyClientAsync(Roles.Support);

        var request = new
        {
            program = new { id = Guid.NewGuid(), code = api.Program, timeZone = "Europe/Berlin", currency = "EUR", minorUnitsPerUnit = 100, pointsPerCurrencyUnit = 1, baseRateScope = "PerLine" },
            member = new { id = Guid.NewGuid(), enrolledAt = "2026-01-01T00:00:00Z", enrollmentChannel = "web", tierCode = "silver", tierEarningMultiplier = 1.25, attributes = new { } },
            purchase = new { externalId = "T-9", occurredAt = "2026-11-10T12:00:00Z", channel = "pos", totalMinor = 10_000, lines = new[] { new { lineNumber = 1, sku = "runner", category = "shoes", quantity = 1, unitPriceMinor = 10_000, amountMinor = 10_000 } } },
        };
        var silver = await viewer.PostAsJsonAsync($"{Rules(api)}/simulate", request);
        var gold = await viewer.PostAsJsonAsync($"{Rules(api)}/simulate", request with { member = request.member with { tierCode = "gold" } });

        var silverResult = (await silver.Content.ReadFromJsonAsync<Simulation>())!;
        Assert.Equal((125L, 100L), (silverResult.Points, silverResult.BasePoints));
        Assert.Equal(("notMatched", "the member is not in one of the rule's tiers", 0L), (silverResult.Rules[0].Outcome, silverResult.Rules[0].Reason, silverResult.Rules[0].Points));
        var goldResult = (await gold.Content.ReadFromJsonAsync<Simulation>())!;
        Assert.Equal((375L, "applied", 250L), (goldResult.Points, goldResult.Rules[0].Outcome, goldResult.Rules[0].Points));
        var wrongProgram = await viewer.PostAsJsonAsync($"{Rules(api)}/simulate", request with { program = request.program with { code = "other" } });
        Assert.Contains("program.code", (await wrongProgram.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys);
    }

    [Fact]
    public async Task Every_change_to_a_rule_is_in_the_audit_trail_with_who_made_it()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var (api, marketer) = await ProgramAsync(host);
        var rule = await CreateAsync(marketer, api, new { name = "Bonus", effects = new { fixedPoints = 5 } });
        host.Clock.Advance(TimeSpan.FromSeconds(1));
        (await marketer.PostAsync($"{Rules(api)}/{rule}/activate", null)).EnsureSuccessStatusCode();
        host.Clock.Advance(TimeSpan.FromSeconds(1));
        (await marketer.PutAsJsonAsync($"{Rules(api)}/{rule}", new { name = "Bonus", effects = new { fixedPoints = 6 } })).EnsureSuccessStatusCode();

        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetServices<ModuleDbContextRegistration>().Single(r => r.Schema == "campaigns");
        var context = (ModuleDbContext)scope.ServiceProvider.GetRequiredService(db.ServiceType);
        var entries = context.AuditEntries.Where(e => e.EntityId == rule.ToString()).ToList().OrderBy(e => e.OccurredAt).ToList();
        Assert.Equal(["campaigns.earning-rule.created", "campaigns.earning-rule.activated", "campaigns.earning-rule.updated"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.StartsWith("apikey:", e.Actor, StringComparison.Ordinal));
    }

    private static async Task<(MembersApi Api, HttpClient Marketer)> ProgramAsync(LoyaltyHost host)
    {
        var api = await MembersApi.CreateAsync(host, new { pointsPerCurrencyUnit = 1 });
        (await api.Admin.PutAsJsonAsync($"/api/members/programs/{api.Program}/tiers", new
        {
            tiers = new object[]
            {
                new { code = "bronze", name = "Bronze", rank = 1, threshold = 0 },
                new { code = "gold", name = "Gold", rank = 2, threshold = 1_000_000, earningMultiplier = 1.5m },
            },
        })).EnsureSuccessStatusCode();
        return (api, await host.ApiKeyClientAsync(Roles.Marketer));
    }

    private static string Rules(MembersApi api) => $"/api/campaigns/programs/{api.Program}/earning-rules";

    private static async Task<Guid> CreateAsync(HttpClient marketer, MembersApi api, object rule)
    {
        var response = await marketer.PostAsJsonAsync(Rules(api), rule);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<RuleView>())!;
        Assert.Equal(("draft", 1), (created.Status, created.Version));
        return created.Id;
    }

    private static Task<HttpResponseMessage> PurchaseAsync(MembersApi api, string externalId, Guid member, DateTimeOffset at) =>
        api.PurchaseAsync(externalId, member, 11_000, at,
            new { sku = "runner", category = "shoes", quantity = 1, unitPrice = 10_000 }, new { sku = "socks", category = "apparel", quantity = 2, unitPrice = 500 });

    private static async Task<long> PointsOfAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<Transaction>())!.Points;
    }

    private sealed record Transaction(long Points);

    private sealed record TransactionWithRules(long Points, List<AppliedRuleView>? Rules);

    private sealed record AppliedRuleView(Guid RuleId, int Version, string Name, long Points);

    private sealed record RuleView(Guid Id, string Status, int Version, string Name, List<VersionView>? Versions);

    private sealed record VersionView(int Version, JsonObject Definition);

    private sealed record Simulation(long Points, long BasePoints, List<RuleOutcome> Rules);

    private sealed record RuleOutcome(string Outcome, string? Reason, long Points);

    private sealed record ValidationProblem(Dictionary<string, string[]> Errors);
}
