using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Campaigns;

public sealed class RuleSetTransferTests
{
    private static readonly string[] Card = ["card"];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_rule_set_exported_from_one_program_imports_into_another_as_drafts_activates_on_request_and_reimports_without_change(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var source = await MembersApi.CreateAsync(host, new { pointsPerCurrencyUnit = 1 });
        var target = await MembersApi.CreateAsync(host, new { pointsPerCurrencyUnit = 1 });
        var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var bonus = await CreateAsync(marketer, source, new { name = "Welcome bonus", priority = 5, effects = new { fixedPoints = 50 } });
        (await marketer.PostAsync($"{Rules(source)}/{bonus}/activate", null)).EnsureSuccessStatusCode();
        await CreateAsync(marketer, source, new { name = "Double on card", conditions = new { paymentMethod = Card }, effects = new { multiplier = 2, capPerMemberPerDay = 500 } });
        var archived = await CreateAsync(marketer, source, new { name = "Old", effects = new { fixedPoints = 1 } });
        (await marketer.PostAsync($"{Rules(source)}/{archived}/archive", null)).EnsureSuccessStatusCode();

        var exported = (await marketer.GetFromJsonAsync<JsonObject>($"{Rules(source)}/export"))!;
        Assert.Equal(("loyalty.earning-rules", 1, source.Program), ((string)exported["format"]!, (int)exported["version"]!, (string)exported["program"]!));
        var rules = exported["rules"]!.AsArray();
        Assert.Equal([("Double on card", "draft"), ("Welcome bonus", "active")], rules.Select(r => ((string)r!["definition"]!["name"]!, (string)r["status"]!)));
        Assert.DoesNotContain("\"id\"", exported.ToJsonString(), StringComparison.Ordinal);

        var first = await ImportAsync(marketer, target, exported);
        Assert.Equal((2, 0, 0), (first.Created, first.Updated, first.Unchanged));
        Assert.All(first.Rules, r => Assert.Equal("draft", r.Status));
        var again = await ImportAsync(marketer, target, exported);
        Assert.Equal((0, 0, 2), (again.Created, again.Updated, again.Unchanged));
        var member = await target.EnrollAsync("m-1");
        Assert.Equal(10, await PointsAsync(target, "T-1", member, host));

        var activated = await ImportAsync(marketer, target, exported, activate: true);
        Assert.Equal(["unchanged", "activated"], activated.Rules.Select(r => r.Outcome));
        Assert.Equal(["draft", "active"], activated.Rules.Select(r => r.Status));
        Assert.Equal(first.Rules.Select(r => r.Id), activated.Rules.Select(r => r.Id));
        Assert.Equal(2, (await ImportAsync(marketer, target, exported, activate: true)).Unchanged);
        Assert.Equal(10 + 50, await PointsAsync(target, "T-2", member, host));

        var roundTrip = (await marketer.GetFromJsonAsync<JsonObject>($"{Rules(target)}/export"))!;
        Assert.Equal(rules.ToJsonString(), roundTrip["rules"]!.ToJsonString());

        // A changed definition makes a new version of the active rule.
        var changed = JsonNode.Parse(exported.ToJsonString())!.AsObject();
        changed["rules"]![1]!["definition"]!["effects"]!["fixedPoints"] = 70;
        var update = await ImportAsync(marketer, target, changed);
        Assert.Equal(("updated", 2, "active"), (update.Rules[1].Outcome, update.Rules[1].Version, update.Rules[1].Status));
    }

    [Fact]
    public async Task An_import_with_one_bad_rule_names_the_rule_and_its_part_and_writes_nothing()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var target = await MembersApi.CreateAsync(host, new { pointsPerCurrencyUnit = 1 });
        var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var document = new
        {
            format = "loyalty.earning-rules", version = 1,
            rules = new object[]
            {
                new { status = "active", definition = new { name = "Fine", effects = new { fixedPoints = 5 } } },
                new { status = "active", definition = new { name = "Broken", effects = new { fixedPoints = -1 } } },
                new { status = "draft", definition = new { name = "Fine", effects = new { fixedPoints = 6 } } },
            },
        };

        var response = await marketer.PostAsJsonAsync($"{Rules(target)}/import?activate=true", document);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<ValidationProblem>())!;
        Assert.Equal(["rules[1]", "rules[1].definition.effects.fixedPoints", "rules[2].definition.name"], problem.Errors.Keys.Order());
        Assert.Contains("'Broken'", problem.Errors["rules[1]"][0], StringComparison.Ordinal);
        Assert.Empty((await marketer.GetFromJsonAsync<List<JsonElement>>(Rules(target)))!);
        var misspelt = await marketer.PostAsJsonAsync($"{Rules(target)}/import", new { format = "loyalty.earning-rules", version = 2, rules = Array.Empty<object>() });
        Assert.Equal(["rules", "version"], (await misspelt.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys.Order());
    }

    private static string Rules(MembersApi api) => $"/api/campaigns/programs/{api.Program}/earning-rules";

    private static async Task<Guid> CreateAsync(HttpClient marketer, MembersApi api, object rule)
    {
        var created = await marketer.PostAsJsonAsync(Rules(api), rule);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task<ImportResult> ImportAsync(HttpClient marketer, MembersApi api, JsonObject document, bool activate = false)
    {
        var response = await marketer.PostAsJsonAsync($"{Rules(api)}/import{(activate ? "?activate=true" : "")}", document);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ImportResult>())!;
    }

    private static async Task<long> PointsAsync(MembersApi api, string externalId, Guid member, LoyaltyHost host)
    {
        var response = await api.PurchaseAsync(externalId, member, 1_000, host.Clock.GetUtcNow(), new { sku = "item", quantity = 1, unitPrice = 1_000 });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("points").GetInt64();
    }

    private sealed record ImportedRule(string Name, Guid Id, string Outcome, string Status, int Version);

    private sealed record ImportResult(int Created, int Updated, int Activated, int Unchanged, List<ImportedRule> Rules);

    private sealed record ValidationProblem(Dictionary<string, string[]> Errors);
}
