using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using Loyalty.Host.Tests.Campaigns;
using Loyalty.Host.Tests.Rewards;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Loyalty.Host.Tests;

/// <summary>The product's meters and the operators' health report.</summary>
public sealed class ObservabilityTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Transactions_redemptions_and_event_delivery_are_measured_once_each(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var transactions = new MetricCollector<long>(meters, "Loyalty.Members", "loyalty.members.transactions");
        using var earned = new MetricCollector<long>(meters, "Loyalty.Members", "loyalty.members.points_earned");
        using var redemptions = new MetricCollector<long>(meters, "Loyalty.Rewards", "loyalty.rewards.redemptions");
        using var redeemed = new MetricCollector<long>(meters, "Loyalty.Rewards", "loyalty.rewards.points_redeemed");
        using var lag = new MetricCollector<double>(meters, "Loyalty.Messaging", "loyalty.outbox.delivery_lag");
        var api = await RewardsApi.CreateAsync(host);
        var reward = await api.CreateRewardAsync();
        var rich = await api.MemberWithPointsAsync("rich", 600);
        var poor = await api.MemberWithPointsAsync("poor", 100);

        var purchase = await api.Members.PurchaseAsync("T-1", rich, 2500, host.Clock.GetUtcNow());
        var repeated = await api.Members.PurchaseAsync("T-1", rich, 2500, host.Clock.GetUtcNow());
        var points = (await purchase.Content.ReadFromJsonAsync<TransactionView>())!.Points;
        var completed = await api.RedeemAsync(rich, reward.Id, "R-1");
        var replayed = await api.RedeemAsync(rich, reward.Id, "R-1");
        var refused = await api.RedeemAsync(poor, reward.Id, "R-2");
        await host.DeliverMembersEventsAsync();

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (purchase.StatusCode, repeated.StatusCode));
        Assert.True(points > 0);
        var transaction = Assert.Single(transactions.GetMeasurementSnapshot());
        Assert.Equal((1L, "purchase"), (transaction.Value, transaction.Tags["loyalty.transaction_type"]));
        Assert.Equal(points, Assert.Single(earned.GetMeasurementSnapshot()).Value);
        Assert.True(completed.IsSuccessStatusCode && replayed.IsSuccessStatusCode && !refused.IsSuccessStatusCode);
        Assert.Equal(
            [("completed", null), ("refused", "insufficient-points")],
            redemptions.GetMeasurementSnapshot().Select(m => ((string?)m.Tags["loyalty.outcome"], (string?)m.Tags["loyalty.reason"])).Order());
        Assert.Equal(500, Assert.Single(redeemed.GetMeasurementSnapshot()).Value);
        Assert.Contains(lag.GetMeasurementSnapshot(), m => (string?)m.Tags["loyalty.module"] == "members" && m.Value >= 0);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_health_report_shows_each_check_to_an_admin_only_and_an_unreachable_smtp_server_degrades_it(DatabaseProvider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        var settings = smtp.Settings;
        settings["Modules:Consent:Reminders:DpoAddresses:0"] = "dpo@shop.example";
        settings["Modules:Consent:Reminders:Host"] = "127.0.0.1";
        settings["Modules:Consent:Reminders:Port"] = "1"; // nothing listens there
        settings["Modules:Consent:Reminders:Tls"] = "None";
        await using var host = await LoyaltyHost.StartAsync(provider, settings);
        using var admin = await host.SignedInAdminAsync();
        using var support = await host.ApiKeyClientAsync(Roles.Support);

        var report = (await admin.GetFromJsonAsync<HealthReportView>("/api/admin/health"))!;
        var checks = report.Checks.ToDictionary(c => c.Name, c => c);
        var ready = await host.CreateClient().GetStringAsync("/health/ready");

        Assert.Equal("Degraded", report.Status);
        Assert.Equal("Healthy", checks["smtp-campaigns"].Status);
        Assert.Equal("Degraded", checks["smtp-dpo-reminders"].Status);
        Assert.Contains("127.0.0.1:1", checks["smtp-dpo-reminders"].Description, StringComparison.Ordinal);
        Assert.Equal("Healthy", checks["job-scheduler"].Status);
        Assert.Equal(("Healthy", "No connection is synced."), (checks["connector-connections"].Status, checks["connector-connections"].Description));
        Assert.All(checks.Where(c => c.Key.StartsWith("db-", StringComparison.Ordinal)), c => Assert.Equal("Healthy", c.Value.Status));
        Assert.Equal("Healthy", ready);
        Assert.Equal(HttpStatusCode.Forbidden, (await support.GetAsync("/api/admin/health")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.CreateClient().GetAsync("/api/admin/health")).StatusCode);
    }

    private sealed record TransactionView(long Points);

    private sealed record HealthReportView(string Status, List<HealthCheckView> Checks);

    private sealed record HealthCheckView(string Name, string Status, string? Description, double DurationMs, List<string> Tags);
}
