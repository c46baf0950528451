using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Members;

/// <summary>GET /api/members/programs/{program}/figures: the dashboard's key figures of a program.</summary>
public sealed class ProgramFiguresTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Figures_count_current_members_active_members_tiers_outstanding_points_and_points_by_month(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider, schedulerHeld: true);
        var api = await MembersApi.CreateAsync(host, new { pendingDays = 0, expiryPolicy = "RollingMonths", expiryMonths = 1 });
        var ada = await api.EnrollAsync("ada");
        var bob = await api.EnrollAsync("bob");
        var cy = await api.EnrollAsync("cy");
        var closed = await api.EnrollAsync("dee");
        (await api.Admin.PostAsJsonAsync($"{api.Members}/{closed}/status", new { status = "closed", reason = "Asked to leave" })).EnsureSuccessStatusCode();
        (await api.Admin.PutAsJsonAsync($"/api/members/programs/{api.Program}/tiers", new
        {
            basis = "QualifyingPoints", window = "Rolling12Months", maxLevelsDown = 1,
            tiers = new[] { new { code = "gold", name = "Gold", rank = 1, threshold = 100_000, earningMultiplier = 1.5m } },
        })).EnsureSuccessStatusCode();
        (await api.Admin.PostAsJsonAsync($"{api.Members}/{cy}/tier", new { tier = "gold", reason = "Status match" })).EnsureSuccessStatusCode();

        // Ada earns and her points expire after a month; Bob earns, spends some; Cy gets points by hand only.
        (await api.PurchaseAsync("T-1", ada, 10_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        var adaEarned = (await api.PointsAsync(ada)).Available;
        host.Clock.Advance(TimeSpan.FromDays(40));
        await host.RunJobAsync("members", "ExpireDuePointsJob");
        Assert.Equal(0, (await api.PointsAsync(ada)).Available);
        (await api.PurchaseAsync("T-2", bob, 5_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        var bobEarned = (await api.PointsAsync(bob)).Available;
        (await api.Pos.PostAsJsonAsync($"{api.Members}/{bob}/redemptions", new { points = 20, reference = "R-1" })).EnsureSuccessStatusCode();
        using var adjustment = new HttpRequestMessage(HttpMethod.Post, $"{api.Members}/{cy}/adjustments") { Content = JsonContent.Create(new { points = 7, reason = "Goodwill" }) };
        adjustment.Headers.Add("Idempotency-Key", "figures-1");
        (await api.Admin.SendAsync(adjustment)).EnsureSuccessStatusCode();

        using var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var figures = await marketer.GetFromJsonAsync<Figures>($"/api/members/programs/{api.Program}/figures");

        Assert.True(adaEarned > 0 && bobEarned > 20);
        Assert.Equal(3, figures!.Members);
        Assert.Equal(1, figures.ActiveMembers30Days);
        Assert.Equal(2, figures.ActiveMembers90Days);
        Assert.Equal([new TierCount("gold", 1), new TierCount(null, 2)], figures.Tiers);
        Assert.Equal(bobEarned - 20 + 7, figures.OutstandingPoints);
        Assert.Equal(0, figures.PendingPoints);
        Assert.Equal(6, figures.Months.Count);
        Assert.Equal("2026-12", figures.Months[^1].Month);
        Assert.Equal("2026-07", figures.Months[0].Month);
        Assert.Equal(adaEarned, figures.Months.Single(m => m.Month == "2026-11").Issued);
        Assert.Equal((bobEarned + 7, 20, adaEarned), (figures.Months[^1].Issued, figures.Months[^1].Redeemed, figures.Months[^1].Expired));
    }

    [Fact]
    public async Task Figures_refuse_a_month_count_out_of_range_naming_the_field_and_an_unknown_program()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite, schedulerHeld: true);
        var api = await MembersApi.CreateAsync(host);

        var refused = await api.Admin.GetAsync($"/api/members/programs/{api.Program}/figures?months=25");
        var unknown = await api.Admin.GetAsync("/api/members/programs/no-such-program/figures");
        using var anonymous = host.CreateClient();

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.NotNull(JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["errors"]!["months"]);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/members/programs/{api.Program}/figures")).StatusCode);
    }

    private sealed record Figures(int Members, int ActiveMembers30Days, int ActiveMembers90Days, List<TierCount> Tiers, long OutstandingPoints, long PendingPoints, List<PointsMonth> Months);

    private sealed record TierCount(string? Tier, int Members);

    private sealed record PointsMonth(string Month, long Issued, long Redeemed, long Expired);
}
