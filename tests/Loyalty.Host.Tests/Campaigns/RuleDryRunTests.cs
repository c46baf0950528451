using System.Net;
using System.Net.Http.Json;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Campaigns;

public sealed class RuleDryRunTests
{
    private static readonly object TripleOnCard = new
    {
        name = "Triple points on card payments",
        conditions = new { paymentMethod = new[] { "card" } },
        effects = new { multiplier = 3, capPerMemberPerDay = 150 },
    };

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_dry_run_answers_what_posting_the_last_days_purchases_gives_under_the_rule_and_writes_nothing(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host, new { pointsPerCurrencyUnit = 1 });
        var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var ada = await api.EnrollAsync("shop-1");
        var bob = await api.EnrollAsync("shop-2");
        var cy = await api.EnrollAsync("shop-3");
        var now = host.Clock.GetUtcNow();
        (string Id, Guid Member, long Amount, string Payment, DateTimeOffset At)[] purchases =
        [
            ("T-1", ada, 10_000, "card", now.AddDays(-2)),
            ("T-2", ada, 1_000, "cash", now.AddDays(-1)),
            ("T-3", bob, 5_000, "card", now.AddDays(-1)),
            ("T-4", cy, 8_000, "card", now.AddDays(-40)),
        ];
        foreach (var p in purchases)
        {
            Assert.Equal(HttpStatusCode.Created, (await PostAsync(api, p.Id, p.Member, p.Amount, p.Payment, p.At)).StatusCode);
        }

        var created = await marketer.PostAsJsonAsync(Rules(api), TripleOnCard);
        var rule = (await created.Content.ReadFromJsonAsync<Created>())!.Id;
        var saved = await marketer.PostAsJsonAsync($"{Rules(api)}/dry-run", new { ruleId = rule, days = 30 });
        var byDefinition = await marketer.PostAsJsonAsync($"{Rules(api)}/dry-run", new { definition = TripleOnCard, days = 30 });

        // Ada's card purchase: base 100, tripled +200, cut to the day's cap 150; Bob's: 50, +100. Cy's is 40 days old.
        Assert.Equal(HttpStatusCode.OK, byDefinition.StatusCode);
        var result = (await byDefinition.Content.ReadFromJsonAsync<DryRun>())!;
        Assert.Equal((250L, 2, 2, 3, true), (result.Points, result.Members, result.Purchases, result.PurchasesScanned, result.Complete));
        Assert.Equal([150L, 100L], result.PerDay.Select(d => d.Points));
        var ofSaved = (await saved.Content.ReadFromJsonAsync<DryRun>())!;
        Assert.Equal((250L, 2, rule, 1), (ofSaved.Points, ofSaved.Members, ofSaved.RuleId, ofSaved.Version));

        (await marketer.PostAsync($"{Rules(api)}/{rule}/activate", null)).EnsureSuccessStatusCode();
        long given = 0;
        foreach (var p in purchases.Where(p => p.At > now.AddDays(-30)))
        {
            var posted = (await (await PostAsync(api, $"again-{p.Id}", p.Member, p.Amount, p.Payment, p.At)).Content.ReadFromJsonAsync<Decided>())!;
            given += posted.Rules?.Sum(r => r.Points) ?? 0;
        }

        // Had the dry-run reserved under the day's cap, Ada's purchase would now get nothing from the rule.
        Assert.Equal(result.Points, given);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task A_dry_run_with_a_bad_definition_or_span_is_refused_naming_the_part_and_an_unknown_rule_is_404()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await MembersApi.CreateAsync(host);
        var marketer = await host.ApiKeyClientAsync(Roles.Marketer);

        var bad = await marketer.PostAsJsonAsync($"{Rules(api)}/dry-run", new
        {
            definition = new { name = "x", conditions = new { brand = Array.Empty<string>() }, effects = new { multiplier = 200 } }, days = 91,
        });
        var unknown = await marketer.PostAsJsonAsync($"{Rules(api)}/dry-run", new { ruleId = Guid.NewGuid(), days = 7 });
        var both = await marketer.PostAsJsonAsync($"{Rules(api)}/dry-run", new { days = 7 });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(
            ["days", "definition.conditions.brand", "definition.effects.multiplier"],
            (await bad.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(["ruleId"], (await both.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys);
    }

    private static string Rules(MembersApi api) => $"/api/campaigns/programs/{api.Program}/earning-rules";

    private static Task<HttpResponseMessage> PostAsync(MembersApi api, string externalId, Guid member, long amount, string paymentMethod, DateTimeOffset at) =>
        api.Pos.PostAsJsonAsync(api.Transactions, new
        {
            externalId, memberId = member, occurredAt = at, currency = "EUR", total = amount, channel = "pos", paymentMethod,
            lines = new[] { new { sku = "runner", category = "shoes", quantity = 1, unitPrice = amount } },
        });

    private sealed record Created(Guid Id);

    private sealed record Decided(long Points, List<Applied>? Rules);

    private sealed record Applied(string Name, long Points);

    private sealed record DryRun(
        Guid? RuleId, int? Version, long Points, long QualifyingPoints, int Members, int Purchases, int PurchasesScanned, bool Complete, List<Day> PerDay);

    private sealed record Day(DateOnly Date, int Purchases, long Points);
}
