using System.Net.Http.Json;
using Loyalty.Campaigns.Contracts;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Campaigns;

public sealed class EarningRuleCapTests
{
    // A purchase of 10 EUR earns 10 base points at 1 point per euro; the rules' bonus is what it earns beyond them.
    private const long Total = 1_000;
    private const long BasePoints = 10;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_program_budget_is_never_exceeded_by_many_parallel_purchases_on_two_nodes(DatabaseProvider provider)
    {
        await using var first = await LoyaltyHost.StartAsync(provider);
        await using var second = first.AnotherNode();
        var api = await MembersApi.CreateAsync(first, new { pointsPerCurrencyUnit = 1 });
        await ActiveRuleAsync(first, api, new { name = "Launch bonus", effects = new { fixedPoints = 70, budget = 500 } });
        var members = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            members.Add(await api.EnrollAsync($"m-{i}"));
        }

        var posOnSecond = second.CreateClient();
        posOnSecond.DefaultRequestHeaders.Authorization = api.Pos.DefaultRequestHeaders.Authorization;
        var at = first.Clock.GetUtcNow().AddMinutes(-1);
        var purchases = Enumerable.Range(0, 24).Select(i => PurchaseAsync(i % 2 == 0 ? api.Pos : posOnSecond, api, $"T-{i}", members[i % members.Count], at));
        var points = await Task.WhenAll(purchases);

        // 7 purchases get 70 each, one the last 10, the rest nothing: exactly the budget, whichever node decided.
        Assert.Equal(500, points.Sum() - (points.Length * BasePoints));
        Assert.Equal(8, points.Count(p => p > BasePoints));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_members_lifetime_cap_holds_for_their_parallel_purchases(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host, new { pointsPerCurrencyUnit = 1 });
        await ActiveRuleAsync(host, api, new { name = "Welcome back", effects = new { fixedPoints = 100, capPerMember = 250 } });
        var member = await api.EnrollAsync("m-1");
        var other = await api.EnrollAsync("m-2");

        var at = host.Clock.GetUtcNow().AddMinutes(-1);
        var points = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => PurchaseAsync(api.Pos, api, $"T-{i}", member, at)));

        Assert.Equal(250, points.Sum() - (points.Length * BasePoints));
        Assert.Equal(110, await PurchaseAsync(api.Pos, api, "T-other", other, at));
    }

    [Fact]
    public async Task A_daily_cap_counts_the_day_in_the_programs_time_zone_and_a_monthly_cap_the_month()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await MembersApi.CreateAsync(host, new { pointsPerCurrencyUnit = 1 });
        await ActiveRuleAsync(host, api, new { name = "Coffee bonus", effects = new { fixedPoints = 100, capPerMemberPerDay = 150, capPerMemberPerMonth = 400 } });
        var member = await api.EnrollAsync("m-1");

        // The program is in Europe/Berlin (UTC+1 in November): 23:30 UTC on 1 November is already 2 November there.
        var bonuses = new List<long>();
        foreach (var (id, at) in new[]
        {
            ("T-1", "2026-11-01T10:00:00Z"), ("T-2", "2026-11-01T12:00:00Z"), ("T-3", "2026-11-01T13:00:00Z"),
            ("T-4", "2026-11-01T23:30:00Z"), ("T-5", "2026-11-02T08:00:00Z"), ("T-6", "2026-11-02T08:30:00Z"),
        })
        {
            bonuses.Add(await PurchaseAsync(api.Pos, api, id, member, DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)) - BasePoints);
        }

        Assert.Equal([100L, 50, 0, 100, 50, 0], bonuses);
        // 300 this month so far; a third day gives the last 100 the month allows.
        host.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 4, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal(100, await PurchaseAsync(api.Pos, api, "T-7", member, new DateTimeOffset(2026, 11, 3, 8, 0, 0, TimeSpan.Zero)) - BasePoints);
        Assert.Equal(0, await PurchaseAsync(api.Pos, api, "T-8", member, new DateTimeOffset(2026, 11, 4, 8, 0, 0, TimeSpan.Zero)) - BasePoints);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Points_reserved_for_a_purchase_members_never_recorded_go_back_to_the_cap_and_recorded_ones_stay(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host, new { pointsPerCurrencyUnit = 1 });
        await ActiveRuleAsync(host, api, new { name = "Bonus", effects = new { fixedPoints = 100, capPerMember = 150 } });
        var member = await api.EnrollAsync("m-1");
        var at = host.Clock.GetUtcNow().AddMinutes(-1);

        // A decision whose purchase Members then fails to commit: the engine has reserved its 100.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var engine = scope.ServiceProvider.GetRequiredService<IEarningEngine>();
            var decision = await engine.DecideAsync(RequestFor(api.Program, await ProgramIdAsync(api), member, "T-lost", at), CancellationToken.None);
            Assert.Equal(110, decision.Points);
        }

        Assert.Equal(50, await PurchaseAsync(api.Pos, api, "T-1", member, at) - BasePoints);
        await host.RunJobAsync("campaigns", "SettleCapReservationsJob");
        Assert.Equal(0, await PurchaseAsync(api.Pos, api, "T-2", member, at) - BasePoints);

        host.Clock.Advance(TimeSpan.FromMinutes(6));
        await host.RunJobAsync("campaigns", "SettleCapReservationsJob");
        await host.RunJobAsync("campaigns", "SettleCapReservationsJob");

        // T-lost's 100 came back; T-1's 50 stays, so 100 of the 150 are left.
        Assert.Equal(100, await PurchaseAsync(api.Pos, api, "T-3", member, at) - BasePoints);
        Assert.Equal(0, await PurchaseAsync(api.Pos, api, "T-4", member, at) - BasePoints);
    }

    private static async Task ActiveRuleAsync(LoyaltyHost host, MembersApi api, object rule)
    {
        var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var rules = $"/api/campaigns/programs/{api.Program}/earning-rules";
        var created = await marketer.PostAsJsonAsync(rules, rule);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<Created>())!.Id;
        (await marketer.PostAsync($"{rules}/{id}/activate", null)).EnsureSuccessStatusCode();
    }

    private static async Task<long> PurchaseAsync(HttpClient pos, MembersApi api, string externalId, Guid member, DateTimeOffset at)
    {
        var response = await pos.PostAsJsonAsync(api.Transactions, new
        {
            externalId, memberId = member, occurredAt = at, currency = "EUR", total = Total, channel = "pos",
            lines = new[] { new { sku = "latte", category = "coffee", quantity = 1, unitPrice = Total } },
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<Transaction>())!.Points;
    }

    private static async Task<Guid> ProgramIdAsync(MembersApi api) =>
        (await api.Admin.GetFromJsonAsync<Created>($"/api/members/programs/{api.Program}"))!.Id;

    private static EarningRequest RequestFor(string program, Guid programId, Guid member, string externalId, DateTimeOffset at) => new(
        new EarningProgram(programId, program, "Europe/Berlin", "EUR", 100, 1m, "PerLine"),
        new EarningMember(member, at.AddDays(-1), "web", null, null, 1m, new Dictionary<string, string>()),
        new EarningPurchase(externalId, at, "pos", null, Total, [new EarningLine(1, "latte", "coffee", 1, Total, Total)]));

    private sealed record Created(Guid Id);

    private sealed record Transaction(long Points);
}
