using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Contracts;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Campaigns;

public sealed class PurchaseAttributeRuleTests
{
    private static readonly string[] Acme = ["acme"];
    private static readonly string[] Card = ["card"];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Brand_line_attribute_payment_method_and_transaction_attribute_rules_decide_a_posted_purchase_that_keeps_them(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host, new { pointsPerCurrencyUnit = 1 });
        var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var member = await api.EnrollAsync("shop-1");
        await ActivateAsync(marketer, api, new { name = "Acme double", priority = 40, conditions = new { brand = Acme }, effects = new { multiplier = 2 } });
        await ActivateAsync(marketer, api, new { name = "Red bonus", priority = 30, conditions = new { lineAttribute = new { key = "color", equals = "red" } }, effects = new { fixedPoints = 7 } });
        await ActivateAsync(marketer, api, new { name = "Card bonus", priority = 20, conditions = new { paymentMethod = Card }, excludeLines = new { brands = Acme }, effects = new { fixedPoints = 20 } });
        await ActivateAsync(marketer, api, new { name = "Black Friday", priority = 10, conditions = new { transactionAttribute = new { key = "campaign", equals = "black-friday" } }, effects = new { fixedPoints = 1000 } });
        var at = host.Clock.GetUtcNow().AddMinutes(-1);

        var body = new
        {
            externalId = "T-1", memberId = member, occurredAt = at, currency = "EUR", total = 11_000, channel = "pos", paymentMethod = "card",
            attributes = new Dictionary<string, string> { ["campaign"] = "summer" },
            lines = new object[]
            {
                new { sku = "runner", category = "shoes", brand = "Acme", quantity = 1, unitPrice = 10_000, attributes = new Dictionary<string, string> { ["color"] = "red" } },
                new { sku = "socks", category = "apparel", brand = "other", quantity = 2, unitPrice = 500 },
            },
        };
        var posted = await api.Pos.PostAsJsonAsync(api.Transactions, body);
        var repeated = await api.Pos.PostAsJsonAsync(api.Transactions, body);

        // Base 100 and 10; Acme doubles the runner (200), red gives it 7, the card's 20 goes to the socks alone (not Acme).
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var decided = (await posted.Content.ReadFromJsonAsync<Decided>())!;
        Assert.Equal(237, decided.Points);
        Assert.Equal(["Acme double", "Red bonus", "Card bonus"], decided.Rules!.Select(r => r.Name));
        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);

        var cash = await api.Pos.PostAsJsonAsync(api.Transactions, body with
        {
            externalId = "T-2", paymentMethod = "cash", attributes = new Dictionary<string, string> { ["campaign"] = "black-friday" },
        });
        Assert.Equal(1217, (await cash.Content.ReadFromJsonAsync<Decided>())!.Points);

        var transaction = (await ExportAsync(host, member)).GetProperty("transactions").EnumerateArray().First(t => t.GetProperty("externalId").GetString() == "T-1");
        Assert.Equal("card", transaction.GetProperty("paymentMethod").GetString());
        Assert.Equal("summer", transaction.GetProperty("attributes").GetProperty("campaign").GetString());
        var lines = transaction.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(["Acme", "other"], lines.Select(l => l.GetProperty("brand").GetString()));
        Assert.Equal("red", lines[0].GetProperty("attributes").GetProperty("color").GetString());
        Assert.Equal(JsonValueKind.Null, lines[1].GetProperty("attributes").ValueKind);
    }

    [Fact]
    public async Task Purchase_and_line_attributes_beyond_their_bounds_are_refused_naming_the_field()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await MembersApi.CreateAsync(host);
        var member = await api.EnrollAsync("shop-1");

        var response = await api.Pos.PostAsJsonAsync(api.Transactions, new
        {
            externalId = "T-1", memberId = member, occurredAt = host.Clock.GetUtcNow(), currency = "EUR", total = 1_000, paymentMethod = "",
            attributes = Enumerable.Range(0, 21).ToDictionary(i => $"k{i}", _ => "v"),
            lines = new[] { new { sku = "a", quantity = 1, unitPrice = 1_000, brand = new string('b', 101), attributes = new Dictionary<string, string> { ["color"] = new string('r', 201) } } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(
            ["attributes", "lines[0].attributes", "lines[0].brand", "paymentMethod"],
            (await response.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys.Order(StringComparer.Ordinal));
    }

    private static async Task ActivateAsync(HttpClient marketer, MembersApi api, object rule)
    {
        var rules = $"/api/campaigns/programs/{api.Program}/earning-rules";
        var created = await marketer.PostAsJsonAsync(rules, rule);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<Created>())!.Id;
        (await marketer.PostAsync($"{rules}/{id}/activate", null)).EnsureSuccessStatusCode();
    }

    private static async Task<JsonElement> ExportAsync(LoyaltyHost host, Guid memberId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var members = scope.ServiceProvider.GetServices<IPersonalDataProvider>().Single(p => p.Module == "members");
        using var stream = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(stream))
        {
            await members.ExportAsync(memberId, writer, CancellationToken.None);
        }

        return JsonDocument.Parse(stream.ToArray()).RootElement.Clone();
    }

    private sealed record Created(Guid Id);

    private sealed record Decided(long Points, List<Applied>? Rules);

    private sealed record Applied(string Name, long Points);
}
