using System.Net;
using System.Net.Http.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Members;

public sealed class PointsTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_purchase_earns_once_however_often_it_is_sent_and_another_body_under_its_id_is_409(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host, new { pointsPerCurrencyUnit = 2m });
        var member = await api.EnrollAsync("shop-1");
        var at = host.Clock.GetUtcNow();
        object[] lines = [new { sku = "latte", quantity = 2, unitPrice = 350 }, new { sku = "cake", quantity = 1, unitPrice = 299 }];

        var first = await api.PurchaseAsync("T-1", member, 999, at, lines);
        var repeat = await api.PurchaseAsync("T-1", member, 999, at, lines);
        var other = await api.PurchaseAsync("T-1", member, 1999, at, new { sku = "latte", quantity = 1, unitPrice = 1999 });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        // 2 points per euro, per line, rounded down: 7.00 € → 14, 2.99 € → 5.
        Assert.Equal(new MembersApi.Balance("points", 19, 0), await api.PointsAsync(member));
    }

    [Fact]
    public async Task Lines_that_do_not_add_up_and_amounts_out_of_range_are_refused()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await MembersApi.CreateAsync(host);
        var member = await api.EnrollAsync("shop-1");
        var at = host.Clock.GetUtcNow();

        var mismatch = await api.PurchaseAsync("T-1", member, 1000, at, new { sku = "latte", quantity = 1, unitPrice = 350 });
        var negative = await api.PurchaseAsync("T-2", member, -5, at);
        var future = await api.PurchaseAsync("T-3", member, 500, at.AddDays(2));
        var currency = await api.Pos.PostAsJsonAsync(api.Transactions, new { externalId = "T-4", memberId = member, occurredAt = at, currency = "USD", total = 500 });

        Assert.Contains("lines", (await mismatch.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys);
        Assert.Contains("total", (await negative.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys);
        Assert.Contains("occurredAt", (await future.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys);
        Assert.Contains("currency", (await currency.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys);
        Assert.Equal(new MembersApi.Balance("points", 0, 0), await api.PointsAsync(member));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Concurrent_redemptions_never_overdraw_the_balance(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        var member = await api.EnrollAsync("shop-1");
        (await api.PurchaseAsync("T-1", member, 10_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();

        // 100 points; ten clients each try to spend 30: at most three can succeed.
        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            api.Pos.PostAsJsonAsync($"{api.Members}/{member}/redemptions", new { points = 30, reference = $"R-{i}" })));

        Assert.Equal(3, attempts.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(7, attempts.Count(r => r.StatusCode == HttpStatusCode.UnprocessableEntity));
        Assert.Equal(new MembersApi.Balance("points", 10, 0), await api.PointsAsync(member));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_return_takes_back_what_the_returned_lines_earned_and_never_more(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        var member = await api.EnrollAsync("shop-1");
        var at = host.Clock.GetUtcNow();
        (await api.PurchaseAsync("T-1", member, 5000, at, new { sku = "mug", quantity = 4, unitPrice = 1000 }, new { sku = "beans", quantity = 1, unitPrice = 1000 })).EnsureSuccessStatusCode();

        var firstReturn = await api.Pos.PostAsJsonAsync(api.Transactions, new { externalId = "R-1", type = "return", originalExternalId = "T-1", memberId = member, occurredAt = at, currency = "EUR", total = 2000, lines = new[] { new { sku = "mug", quantity = 2, unitPrice = 1000 } } });
        var overReturn = await api.Pos.PostAsJsonAsync(api.Transactions, new { externalId = "R-2", type = "return", originalExternalId = "T-1", memberId = member, occurredAt = at, currency = "EUR", total = 3000, lines = new[] { new { sku = "mug", quantity = 3, unitPrice = 1000 } } });
        var unknownOriginal = await api.Pos.PostAsJsonAsync(api.Transactions, new { externalId = "R-3", type = "return", originalExternalId = "T-404", memberId = member, occurredAt = at, currency = "EUR", total = 1000 });

        Assert.Equal(HttpStatusCode.Created, firstReturn.StatusCode);
        Assert.Equal(HttpStatusCode.Created, overReturn.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownOriginal.StatusCode);
        // Earned 40 + 10; returned 2 mugs (-20), then "3" more mugs of which only 2 were left (-20).
        Assert.Equal(new MembersApi.Balance("points", 10, 0), await api.PointsAsync(member));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pending_points_become_spendable_after_the_return_window_and_expire_once(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host, new { pendingDays = 14, expiryPolicy = "RollingMonths", expiryMonths = 12 });
        var member = await api.EnrollAsync("shop-1");
        (await api.PurchaseAsync("T-1", member, 2500, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        Assert.Equal(new MembersApi.Balance("points", 0, 25), await api.PointsAsync(member));

        host.Clock.Advance(TimeSpan.FromDays(15));
        await host.RunJobAsync("members", "ReleasePendingPointsJob");
        await host.RunJobAsync("members", "ReleasePendingPointsJob");
        Assert.Equal(new MembersApi.Balance("points", 25, 0), await api.PointsAsync(member));
        var expiring = await api.Admin.GetFromJsonAsync<List<Expiring>>($"{api.Members}/{member}/expiring-points?days=365");
        Assert.Equal(25, Assert.Single(expiring!).Points);

        host.Clock.Advance(TimeSpan.FromDays(365));
        await host.RunJobAsync("members", "ExpireDuePointsJob");
        await host.RunJobAsync("members", "ExpireDuePointsJob");
        Assert.Equal(new MembersApi.Balance("points", 0, 0), await api.PointsAsync(member));
        var ledger = await api.Admin.GetFromJsonAsync<LedgerPage>($"{api.Members}/{member}/ledger");
        Assert.Equal(1, ledger!.Items.Count(e => e.Type == "Expiry" && e.Currency == "points"));
    }

    [Fact]
    public async Task The_ledger_filters_by_entry_type_and_period_and_refuses_an_unknown_type_or_a_reversed_period()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await MembersApi.CreateAsync(host);
        var member = await api.EnrollAsync("shop-1");
        var first = host.Clock.GetUtcNow();
        (await api.PurchaseAsync("T-1", member, 1000, first)).EnsureSuccessStatusCode();
        host.Clock.Advance(TimeSpan.FromDays(2));
        var second = host.Clock.GetUtcNow();
        (await api.PurchaseAsync("T-2", member, 2000, second)).EnsureSuccessStatusCode();
        var ledger = $"{api.Members}/{member}/ledger";
        string At(DateTimeOffset at) => Uri.EscapeDataString(at.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

        var accruals = await api.Admin.GetFromJsonAsync<LedgerPage>($"{ledger}?type=accrual");
        var expiries = await api.Admin.GetFromJsonAsync<LedgerPage>($"{ledger}?type=Expiry");
        var sinceSecond = await api.Admin.GetFromJsonAsync<LedgerPage>($"{ledger}?from={At(second.AddHours(-1))}");
        var untilSecond = await api.Admin.GetFromJsonAsync<LedgerPage>($"{ledger}?to={At(second.AddHours(-1))}");
        var unknown = await api.Admin.GetAsync($"{ledger}?type=bonus");
        var numeric = await api.Admin.GetAsync($"{ledger}?type=1");
        var reversed = await api.Admin.GetAsync($"{ledger}?from={At(second)}&to={At(first)}");

        Assert.NotEmpty(accruals!.Items);
        Assert.All(accruals.Items, e => Assert.Equal("Accrual", e.Type));
        Assert.Empty(expiries!.Items);
        Assert.Equal(20, Assert.Single(sinceSecond!.Items, e => e.Currency == "points").Points);
        Assert.Equal(10, Assert.Single(untilSecond!.Items, e => e.Currency == "points").Points);
        Assert.Equal(["type"], (await unknown.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys);
        Assert.Equal(["type"], (await numeric.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys);
        Assert.Equal(HttpStatusCode.BadRequest, reversed.StatusCode);
        Assert.Equal("application/problem+json", reversed.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["from"], (await reversed.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys);
    }

    private sealed record Expiring(DateTimeOffset ExpiresAt, long Points);

    private sealed record LedgerPage(List<LedgerEntry> Items, Guid? Next);

    private sealed record LedgerEntry(string Currency, string Type, long Points);
}
