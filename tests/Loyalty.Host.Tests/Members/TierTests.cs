using System.Net;
using System.Net.Http.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Members;

public sealed class TierTests
{
    private static readonly object[] Ladder =
    [
        new { code = "bronze", name = "Bronze", rank = 1, threshold = 0, earningMultiplier = 1.0m },
        new { code = "silver", name = "Silver", rank = 2, threshold = 500, earningMultiplier = 1.25m },
        new { code = "gold", name = "Gold", rank = 3, threshold = 1000, earningMultiplier = 1.5m, benefits = "Free upgrade to large" },
        new { code = "platinum", name = "Platinum", rank = 4, threshold = 2000, earningMultiplier = 2m },
    ];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_purchase_that_crosses_a_threshold_upgrades_at_once_with_history_and_a_TierChanged_event(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        await DefineAsync(api, new { basis = "QualifyingPoints", window = "Rolling12Months", tiers = Ladder });
        var member = await api.EnrollAsync("shop-1");
        Assert.Null((await MemberAsync(api, member)).Tier);

        (await api.PurchaseAsync("T-1", member, 60_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        Assert.Equal("silver", (await MemberAsync(api, member)).Tier);
        (await api.PurchaseAsync("T-2", member, 30_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        Assert.Equal("silver", (await MemberAsync(api, member)).Tier);
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var at = host.Clock.GetUtcNow();
        (await api.PurchaseAsync("T-3", member, 10_000, at)).EnsureSuccessStatusCode();
        (await api.PurchaseAsync("T-3", member, 10_000, at)).EnsureSuccessStatusCode();

        Assert.Equal("gold", (await MemberAsync(api, member)).Tier);
        var history = await HistoryAsync(api, member);
        Assert.Equal(
            [new("silver", "gold", "Upgrade", 1000), new(null, "silver", "Initial", 600)],
            history.Select(c => new Change(c.FromTier, c.ToTier, c.Reason, c.QualifyingValue)).ToList());
        var events = await TierChangedEventsAsync(host);
        Assert.Equal(2, events.Count);
        Assert.Contains(events, e => e.Contains($"\"memberId\":\"{member}\"") && e.Contains("\"fromTier\":\"silver\"") && e.Contains("\"toTier\":\"gold\""));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_goodwill_status_adjustment_and_a_merge_upgrade_at_once(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        await DefineAsync(api, new { basis = "QualifyingPoints", window = "Rolling12Months", tiers = Ladder });
        var survivor = await api.EnrollAsync("shop-1");
        var duplicate = await api.EnrollAsync("shop-2");

        (await api.Admin.PostAsJsonAsync($"{api.Members}/{survivor}/adjustments", new { points = 600, currency = "status", reason = "status match" })).EnsureSuccessStatusCode();
        Assert.Equal("silver", (await MemberAsync(api, survivor)).Tier);

        (await api.PurchaseAsync("T-1", duplicate, 45_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        (await api.Admin.PostAsJsonAsync($"{api.Members}/{survivor}/merges", new { duplicateId = duplicate, reason = "same person" })).EnsureSuccessStatusCode();
        Assert.Equal("gold", (await MemberAsync(api, survivor)).Tier);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_rolling_tier_is_kept_until_its_evaluation_and_then_lowered_once_to_what_the_window_earns(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        await DefineAsync(api, new { window = "Rolling12Months", tiers = Ladder });
        var member = await api.EnrollAsync("shop-1");
        (await api.PurchaseAsync("T-1", member, 60_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        host.Clock.Advance(TimeSpan.FromDays(183));
        (await api.PurchaseAsync("T-2", member, 50_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        var upgradedAt = host.Clock.GetUtcNow();

        // Gold on 1,100 points in the last 12 months; to keep it, 1,000 must be earned in the 12 months from the upgrade.
        var progress = await ProgressAsync(api, member);
        Assert.Equal(("gold", 1100L, "platinum", 900L), (progress.Tier, progress.QualifyingValue, progress.NextTier, progress.ToNextTier));
        Assert.Equal((upgradedAt.AddMonths(12), 500L, 500L), (progress.NextEvaluationAt, progress.ValueTowardsRetention, progress.ToRetain));

        host.Clock.Advance(TimeSpan.FromDays(300));
        await RunJobAsync(host);
        Assert.Equal("gold", (await MemberAsync(api, member)).Tier);

        host.Clock.Advance(TimeSpan.FromDays(70));
        await RunJobAsync(host);
        await RunJobAsync(host);

        Assert.Equal("silver", (await MemberAsync(api, member)).Tier);
        var downgrade = Assert.Single(await HistoryAsync(api, member), c => c.Reason == "Downgrade");
        Assert.Equal(new Change("gold", "silver", "Downgrade", 500), new Change(downgrade.FromTier, downgrade.ToTier, downgrade.Reason, downgrade.QualifyingValue));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_calendar_year_evaluation_lowers_a_tier_by_at_most_the_configured_levels_and_only_once(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        await DefineAsync(api, new { window = "CalendarYear", maxLevelsDown = 2, tiers = Ladder });
        var member = await api.EnrollAsync("shop-1");
        (await api.PurchaseAsync("T-1", member, 200_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        Assert.Equal("platinum", (await MemberAsync(api, member)).Tier);

        // 2026 earned platinum, so the evaluation at the start of 2027 keeps it.
        host.Clock.AdjustTime(new DateTimeOffset(2027, 1, 1, 1, 0, 0, TimeSpan.Zero));
        await RunJobAsync(host);
        Assert.Equal("platinum", (await MemberAsync(api, member)).Tier);

        // Nothing in 2027: bronze by the value, but at most two levels down.
        host.Clock.AdjustTime(new DateTimeOffset(2028, 1, 1, 1, 0, 0, TimeSpan.Zero));
        await RunJobAsync(host);
        await RunJobAsync(host);

        Assert.Equal("silver", (await MemberAsync(api, member)).Tier);
        var changes = await HistoryAsync(api, member);
        Assert.Equal(["Downgrade", "Initial"], changes.Select(c => c.Reason).ToList());
        Assert.Equal(("platinum", "silver", 0L), (changes[0].FromTier, changes[0].ToTier, changes[0].QualifyingValue));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Progress_on_spend_shows_what_is_missing_to_the_next_tier_and_to_keep_the_current_one(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        await DefineAsync(api, new
        {
            basis = "Spend",
            window = "CalendarYear",
            tiers = new object[]
            {
                new { code = "silver", name = "Silver", rank = 1, threshold = 50_000 },
                new { code = "gold", name = "Gold", rank = 2, threshold = 100_000, earningMultiplier = 1.5m },
            },
        });
        var member = await api.EnrollAsync("shop-1");
        var at = host.Clock.GetUtcNow();

        var before = await ProgressAsync(api, member);
        Assert.Equal((null, 0L, "silver", 50_000L), (before.Tier, before.QualifyingValue, before.NextTier, before.ToNextTier));

        (await api.PurchaseAsync("T-1", member, 60_000, at, new { sku = "coat", quantity = 1, unitPrice = 60_000 })).EnsureSuccessStatusCode();
        var returned = await api.Pos.PostAsJsonAsync(api.Transactions, new { externalId = "R-1", type = "return", originalExternalId = "T-1", memberId = member, occurredAt = at, currency = "EUR", total = 20_000 });
        returned.EnsureSuccessStatusCode();

        // A return lowers the value but never the tier before the evaluation.
        var progress = await ProgressAsync(api, member);
        Assert.Equal(("silver", "Spend", 40_000L, "gold", 60_000L), (progress.Tier, progress.Basis, progress.QualifyingValue, progress.NextTier, progress.ToNextTier));
        Assert.Equal((new DateTimeOffset(2026, 12, 31, 23, 0, 0, TimeSpan.Zero), 10_000L), (progress.NextEvaluationAt, progress.ToRetain));
        Assert.Equal(1m, progress.EarningMultiplier);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Members_are_found_by_their_tier(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        await DefineAsync(api, new { tiers = Ladder });
        var silver = await api.EnrollAsync("shop-1");
        var bronze = await api.EnrollAsync("shop-2");
        var none = await api.EnrollAsync("shop-3");
        (await api.PurchaseAsync("T-1", silver, 70_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        (await api.PurchaseAsync("T-2", bronze, 1_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();

        var silverPage = await api.Admin.GetFromJsonAsync<Page>($"{api.Members}?tier=silver");
        var bronzePage = await api.Admin.GetFromJsonAsync<Page>($"{api.Members}?tier=bronze");
        var goldPage = await api.Admin.GetFromJsonAsync<Page>($"{api.Members}?tier=gold");
        var all = await api.Admin.GetFromJsonAsync<Page>(api.Members);

        Assert.Equal([silver], silverPage!.Items.Select(m => m.Id));
        Assert.Equal([bronze], bronzePage!.Items.Select(m => m.Id));
        Assert.Empty(goldPage!.Items);
        Assert.Equal(
            new[] { (silver, "silver"), (bronze, "bronze"), (none, (string?)null) }.OrderBy(m => m.Item1),
            all!.Items.Select(m => (m.Id, m.Tier)).OrderBy(m => m.Id));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Support_assigns_a_tier_by_hand_with_a_reason_and_it_is_audited(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        await DefineAsync(api, new { tiers = Ladder });
        var member = await api.EnrollAsync("shop-1");

        var withoutReason = await api.Admin.PostAsJsonAsync($"{api.Members}/{member}/tier", new { tier = "gold" });
        var unknown = await api.Admin.PostAsJsonAsync($"{api.Members}/{member}/tier", new { tier = "diamond", reason = "VIP" });
        var assigned = await api.Admin.PostAsJsonAsync($"{api.Members}/{member}/tier", new { tier = "gold", reason = "Status match with an airline" });

        Assert.Contains("reason", (await withoutReason.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys);
        Assert.Contains("tier", (await unknown.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys);
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        Assert.Equal(1.5m, (await assigned.Content.ReadFromJsonAsync<Progress>())!.EarningMultiplier);
        var change = Assert.Single(await HistoryAsync(api, member));
        Assert.Equal((null, "gold", "Manual", "Status match with an airline"), (change.FromTier, change.ToTier, change.Reason, change.Note));
        var audit = await api.Admin.GetFromJsonAsync<List<Audit>>("/api/admin/audit?module=members");
        Assert.Contains(audit!, a => a.Action == "members.tier.assigned" && a.EntityId == member.ToString());
    }

    [Fact]
    public async Task A_bad_ladder_is_refused_naming_each_field_and_a_tier_members_hold_cannot_be_left_out()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await MembersApi.CreateAsync(host);

        var bad = await api.Admin.PutAsJsonAsync(Tiers(api), new
        {
            basis = "Visits",
            maxLevelsDown = 0,
            tiers = new object[]
            {
                new { code = "silver", name = "Silver", rank = 1, threshold = 500, earningMultiplier = -1m },
                new { code = "silver", name = "Silver again", rank = 2, threshold = 600 },
                new { code = "gold", name = "Gold", rank = 3, threshold = 600 },
            },
        });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(
            ["basis", "maxLevelsDown", "tiers[0].earningMultiplier", "tiers[1].code", "tiers[2].threshold"],
            (await bad.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys.Order());

        await DefineAsync(api, new { tiers = Ladder });
        var member = await api.EnrollAsync("shop-1");
        (await api.PurchaseAsync("T-1", member, 60_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        var withoutSilver = await api.Admin.PutAsJsonAsync(Tiers(api), new { tiers = new object[] { Ladder[0], Ladder[2] } });
        Assert.Equal(HttpStatusCode.Conflict, withoutSilver.StatusCode);

        using var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var raised = await marketer.PutAsJsonAsync(Tiers(api), new { window = "CalendarYear", tiers = Ladder.Take(2).Append(new { code = "gold", name = "Gold", rank = 3, threshold = 1500, earningMultiplier = 1.5m }) });
        Assert.Equal(HttpStatusCode.OK, raised.StatusCode);
        var ladder = await api.Admin.GetFromJsonAsync<LadderView>(Tiers(api));
        Assert.Equal(("CalendarYear", 1), (ladder!.Window, ladder.MaxLevelsDown));
        Assert.Equal([("bronze", 0L, 1.0m), ("silver", 500L, 1.25m), ("gold", 1500L, 1.5m)], ladder.Tiers.Select(t => (t.Code, t.Threshold, t.EarningMultiplier)));
    }

    private static string Tiers(MembersApi api) => $"/api/members/programs/{api.Program}/tiers";

    private static async Task DefineAsync(MembersApi api, object ladder) =>
        (await api.Admin.PutAsJsonAsync(Tiers(api), ladder)).EnsureSuccessStatusCode();

    private static async Task<MemberWithTier> MemberAsync(MembersApi api, Guid member) =>
        (await api.Admin.GetFromJsonAsync<MemberWithTier>($"{api.Members}/{member}"))!;

    private static async Task<Progress> ProgressAsync(MembersApi api, Guid member) =>
        (await api.Admin.GetFromJsonAsync<Progress>($"{api.Members}/{member}/tier"))!;

    private static async Task<List<HistoryEntry>> HistoryAsync(MembersApi api, Guid member) =>
        (await api.Admin.GetFromJsonAsync<List<HistoryEntry>>($"{api.Members}/{member}/tier-history"))!;

    private static async Task<List<string>> TierChangedEventsAsync(LoyaltyHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var members = LoyaltyHost.ModuleContext(scope.ServiceProvider, "members");
        return await members.OutboxMessages.Where(m => m.EventType.EndsWith(".TierChanged")).Select(m => m.Payload).ToListAsync();
    }

    private static Task RunJobAsync(LoyaltyHost host) => host.RunJobAsync("members", "EvaluateTiersJob");

    private sealed record MemberWithTier(Guid Id, string? Tier);

    private sealed record Page(List<MemberWithTier> Items, Guid? Next);

    private sealed record Progress(
        string? Tier, string Basis, decimal EarningMultiplier, long QualifyingValue, string? NextTier, long? ToNextTier,
        DateTimeOffset? NextEvaluationAt, long? ValueTowardsRetention, long? ToRetain);

    private sealed record HistoryEntry(string? FromTier, string? ToTier, string Reason, long QualifyingValue, string? Note);

    private sealed record Change(string? FromTier, string? ToTier, string Reason, long QualifyingValue);

    private sealed record LadderView(string Window, int MaxLevelsDown, List<TierView> Tiers);

    private sealed record TierView(string Code, long Threshold, decimal EarningMultiplier);

    private sealed record Audit(string Action, string EntityId);
}
