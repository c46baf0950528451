using System.Net;
using System.Net.Http.Json;
using Loyalty.Campaigns.Contracts;
using Loyalty.Shared.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Members;

public sealed class EarningEngineTests
{
    [Fact]
    public async Task A_registered_earning_engine_decides_the_points_instead_of_the_base_rate()
    {
        var engine = new RecordingEngine(request => new EarningDecision(70, [50, 20]));
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite, services: s => s.AddSingleton<IEarningEngine>(engine));
        var api = await MembersApi.CreateAsync(host, new { pointsPerCurrencyUnit = 1 });
        var member = await api.EnrollAsync("shop-1");
        var at = host.Clock.GetUtcNow().AddMinutes(-1);

        var purchase = await api.PurchaseAsync("T-1", member, 1300, at,
            new { sku = "mug", category = "kitchen", quantity = 2, unitPrice = 500 }, new { sku = "tea", quantity = 1, unitPrice = 300 });
        Assert.Equal(HttpStatusCode.Created, purchase.StatusCode);
        Assert.Equal(70, (await api.PointsAsync(member)).Pending + (await api.PointsAsync(member)).Available);

        var request = Assert.Single(engine.Requests);
        Assert.Equal((api.Program, "EUR", 100L, 1m, "PerLine"), (request.Program.Code, request.Program.Currency, request.Program.MinorUnitsPerUnit, request.Program.PointsPerCurrencyUnit, request.Program.BaseRateScope));
        Assert.Equal((member, "web", 1m), (request.Member.Id, request.Member.EnrollmentChannel, request.Member.TierEarningMultiplier));
        Assert.Equal(("T-1", 1300L, "pos"), (request.Purchase.ExternalId, request.Purchase.TotalMinor, request.Purchase.Channel));
        Assert.Equal([("mug", "kitchen", 1000L), ("tea", (string?)null, 300L)], request.Purchase.Lines.Select(l => (l.Sku, l.Category, l.AmountMinor)));

        // A return of the first line takes back what the engine gave that line.
        var returned = await api.Pos.PostAsJsonAsync(api.Transactions, new
        {
            externalId = "R-1", type = "return", originalExternalId = "T-1", memberId = member, occurredAt = at, currency = "EUR", total = 1000,
            lines = new[] { new { sku = "mug", quantity = 2, unitPrice = 500 } },
        });
        Assert.Equal(-50, (await returned.Content.ReadFromJsonAsync<Result>())!.Points);
    }

    [Fact]
    public async Task Without_an_engine_the_base_rate_shares_a_per_transaction_total_over_the_lines()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await MembersApi.CreateAsync(host, new { pointsPerCurrencyUnit = 1, baseRateScope = "PerTransaction" });
        var member = await api.EnrollAsync("shop-1");
        var at = host.Clock.GetUtcNow();

        // 3 × 3.33 = 9.99 → 9 points on the total, shared by amount: 3, 3 and the remainder 3.
        var purchase = await api.PurchaseAsync("T-1", member, 999, at,
            new { sku = "a", quantity = 1, unitPrice = 333 }, new { sku = "b", quantity = 1, unitPrice = 333 }, new { sku = "c", quantity = 1, unitPrice = 333 });
        Assert.Equal(9, (await purchase.Content.ReadFromJsonAsync<Result>())!.Points);
        var returned = await api.Pos.PostAsJsonAsync(api.Transactions, new
        {
            externalId = "R-1", type = "return", originalExternalId = "T-1", memberId = member, occurredAt = at, currency = "EUR", total = 333,
            lines = new[] { new { sku = "c", quantity = 1, unitPrice = 333 } },
        });
        Assert.Equal(-3, (await returned.Content.ReadFromJsonAsync<Result>())!.Points);
    }

    private sealed record Result(long Points);

    private sealed class RecordingEngine(Func<EarningRequest, EarningDecision> decide) : IEarningEngine
    {
        public List<EarningRequest> Requests { get; } = [];

        public Task<EarningDecision> DecideAsync(EarningRequest request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Task.FromResult(decide(request));
        }
    }
}
