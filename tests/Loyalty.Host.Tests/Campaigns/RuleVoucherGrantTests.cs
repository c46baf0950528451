using System.Net;
using System.Net.Http.Json;
using Loyalty.Host.Tests.Rewards;
using Loyalty.Rewards.Contracts;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Campaigns;

public sealed class RuleVoucherGrantTests
{
    private const string Survey = "post-dinner-survey";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_rule_grants_its_voucher_once_per_recorded_purchase_after_the_purchase_committed(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var (api, marketer) = await ProgramAsync(host);
        var template = await api.CreateRewardAsync(new { status = "draft", voucherValidDays = 30, codeFormat = new { prefix = "THX-" } });
        var rule = await ActiveRuleAsync(marketer, api, new
        {
            name = "A voucher for big baskets", conditions = new { total = new { min = 5_000 } }, effects = new { fixedPoints = 10, grantVoucher = new { rewardId = template.Id } },
        });
        var member = await api.MemberWithPointsAsync("m-1", 0);
        var at = host.Clock.GetUtcNow().AddMinutes(-5);

        var big = await api.Members.PurchaseAsync("T-1", member, 6_000, at);
        var small = await api.Members.PurchaseAsync("T-2", member, 1_000, at);

        // The accrual is not held up by the grant: the points are there before any voucher exists.
        Assert.Equal(HttpStatusCode.Created, big.StatusCode);
        Assert.Equal(HttpStatusCode.Created, small.StatusCode);
        Assert.Equal(60 + 10 + 10, await api.PointsAsync(member));
        Assert.Empty(await VouchersAsync(api, member));

        await host.DeliverMembersEventsAsync();
        await host.RunJobAsync("campaigns", "IssueVoucherGrantsJob");
        await host.RunJobAsync("campaigns", "IssueVoucherGrantsJob");

        var voucher = Assert.Single(await VouchersAsync(api, member));
        Assert.Equal($"purchase:T-1:rule:{rule}:1", voucher.Reference);
        Assert.Equal((template.Id, "discountVoucher", 500L, "active"), (voucher.RewardId, voucher.Kind, voucher.Value, voucher.Status));
        Assert.StartsWith("THX-", voucher.Code, StringComparison.Ordinal);
        Assert.Equal(host.Clock.GetUtcNow().AddDays(30).Date, voucher.ExpiresAt!.Value.Date);
        var check = await api.Pos.PostAsJsonAsync($"{api.Vouchers}/validate", new { code = voucher.Code, memberId = member, basketTotal = 2_000 });
        Assert.Equal(HttpStatusCode.OK, check.StatusCode);

        // The same purchase sent again is answered as before and grants nothing more.
        (await api.Members.PurchaseAsync("T-1", member, 6_000, at)).EnsureSuccessStatusCode();
        await host.DeliverMembersEventsAsync();
        await host.RunJobAsync("campaigns", "IssueVoucherGrantsJob");
        Assert.Single(await VouchersAsync(api, member));
        Assert.Equal(80, await api.PointsAsync(member));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_grant_issued_before_a_crash_is_not_issued_again_and_a_refused_template_never_blocks_the_points(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var (api, marketer) = await ProgramAsync(host);
        var template = await api.CreateRewardAsync(new { status = "draft" });
        var physical = await api.CreateRewardAsync(new { kind = "physicalItem", value = (long?)null });
        var good = await ActiveRuleAsync(marketer, api, new { name = "Voucher", effects = new { grantVoucher = new { rewardId = template.Id } } });
        await ActiveRuleAsync(marketer, api, new { name = "Not a voucher", effects = new { grantVoucher = new { rewardId = physical.Id } } });
        var member = await api.MemberWithPointsAsync("m-1", 0);

        (await api.Members.PurchaseAsync("T-1", member, 2_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        await host.DeliverMembersEventsAsync();

        // The job issued this grant and stopped before taking it off its queue: Rewards already holds the reference.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var early = await scope.ServiceProvider.GetRequiredService<IVoucherIssuer>()
                .IssueAsync(api.Members.Program, member, template.Id, $"purchase:T-1:rule:{good}:1", CancellationToken.None);
            Assert.Equal(VoucherIssueOutcome.Issued, early.Outcome);
        }

        Assert.Equal(2, await QueuedGrantsAsync(host));
        await host.RunJobAsync("campaigns", "IssueVoucherGrantsJob");

        var voucher = Assert.Single(await VouchersAsync(api, member));
        Assert.Equal(template.Id, voucher.RewardId);
        Assert.Equal(20, await api.PointsAsync(member));
        Assert.Equal(0, await QueuedGrantsAsync(host));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_activity_rule_may_grant_only_a_voucher_and_simulate_names_it_without_issuing(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var (api, marketer) = await ProgramAsync(host);
        (await marketer.PostAsJsonAsync($"/api/campaigns/programs/{api.Members.Program}/activity-types", new { code = Survey, name = "Post-dinner survey" })).EnsureSuccessStatusCode();
        var template = await api.CreateRewardAsync(new { status = "draft", kind = "freeProductVoucher", value = (long?)null, productSku = "dessert" });
        var rule = await ActiveRuleAsync(marketer, api, new { name = "Dessert for a survey", trigger = Survey, effects = new { grantVoucher = new { rewardId = template.Id } } });
        var member = await api.MemberWithPointsAsync("m-1", 0);
        var at = host.Clock.GetUtcNow().AddMinutes(-1);
        var activities = $"/api/campaigns/programs/{api.Members.Program}/activities";

        var simulated = await marketer.PostAsJsonAsync($"{activities}/simulate", new { memberId = member, type = Survey, occurredAt = at });
        var outcome = Assert.Single((await simulated.Content.ReadFromJsonAsync<Simulation>())!.Rules);
        Assert.Equal((rule, "applied", template.Id), (outcome.RuleId, outcome.Outcome, outcome.VoucherRewardId));
        await host.RunJobAsync("campaigns", "IssueVoucherGrantsJob");
        Assert.Empty(await VouchersAsync(api, member));

        var recorded = await api.Pos.PostAsJsonAsync(activities, new { externalId = "S-1", memberId = member, type = Survey, occurredAt = at });
        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        (await api.Pos.PostAsJsonAsync(activities, new { externalId = "S-1", memberId = member, type = Survey, occurredAt = at })).EnsureSuccessStatusCode();
        await host.RunJobAsync("campaigns", "IssueVoucherGrantsJob");

        var voucher = Assert.Single(await VouchersAsync(api, member));
        Assert.Equal(($"activity:S-1:rule:{rule}:1", "freeProductVoucher", "dessert"), (voucher.Reference, voucher.Kind, voucher.ProductSku));
        Assert.Equal(0, await api.PointsAsync(member));
    }

    [Fact]
    public async Task A_grant_without_a_reward_id_is_refused_naming_the_part_and_dry_run_counts_the_vouchers()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var (api, marketer) = await ProgramAsync(host);
        var rules = $"/api/campaigns/programs/{api.Members.Program}/earning-rules";
        var template = await api.CreateRewardAsync(new { status = "draft" });
        var member = await api.MemberWithPointsAsync("m-1", 0);
        (await api.Members.PurchaseAsync("T-1", member, 6_000, host.Clock.GetUtcNow().AddDays(-2))).EnsureSuccessStatusCode();
        (await api.Members.PurchaseAsync("T-2", member, 1_000, host.Clock.GetUtcNow().AddDays(-1))).EnsureSuccessStatusCode();

        var bad = await marketer.PostAsJsonAsync(rules, new { name = "x", effects = new { grantVoucher = new { } } });
        var dryRun = await marketer.PostAsJsonAsync($"{rules}/dry-run", new
        {
            definition = new { name = "Big baskets", conditions = new { total = new { min = 5_000 } }, effects = new { grantVoucher = new { rewardId = template.Id } } }, days = 7,
        });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["effects.grantVoucher.rewardId"], (await bad.Content.ReadFromJsonAsync<RewardsApi.ValidationProblem>())!.Errors.Keys);
        Assert.Equal(HttpStatusCode.OK, dryRun.StatusCode);
        var result = (await dryRun.Content.ReadFromJsonAsync<DryRun>())!;
        Assert.Equal((1, 0L, 1, 2), (result.Vouchers, result.Points, result.Purchases, result.PurchasesScanned));
        Assert.Empty(await VouchersAsync(api, member));
    }

    private static async Task<(RewardsApi Api, HttpClient Marketer)> ProgramAsync(LoyaltyHost host) =>
        (await RewardsApi.CreateAsync(host), await host.ApiKeyClientAsync(Roles.Marketer));

    private static async Task<Guid> ActiveRuleAsync(HttpClient marketer, RewardsApi api, object rule)
    {
        var rules = $"/api/campaigns/programs/{api.Members.Program}/earning-rules";
        var created = await marketer.PostAsJsonAsync(rules, rule);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<Created>())!.Id;
        (await marketer.PostAsync($"{rules}/{id}/activate", null)).EnsureSuccessStatusCode();
        return id;
    }

    private static async Task<List<MemberVoucher>> VouchersAsync(RewardsApi api, Guid member) =>
        (await api.Pos.GetFromJsonAsync<List<MemberVoucher>>($"/api/rewards/programs/{api.Members.Program}/members/{member}/vouchers"))!;

    private static async Task<int> QueuedGrantsAsync(LoyaltyHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = LoyaltyHost.ModuleContext(scope.ServiceProvider, "campaigns");
        return await db.Database.SqlQueryRaw<int>(
            db.Database.IsNpgsql() ? """SELECT COUNT(*)::int AS "Value" FROM campaigns."PendingVoucherGrants" """ : """SELECT COUNT(*) AS "Value" FROM "campaigns_PendingVoucherGrants" """).SingleAsync();
    }

    private sealed record Created(Guid Id);

    private sealed record MemberVoucher(
        Guid Id, string? Code, string Kind, long? Value, string? ProductSku, DateTimeOffset? ExpiresAt, string Status, Guid? RewardId, string? Reference);

    private sealed record RuleOutcome(Guid RuleId, string Outcome, long Points, Guid? VoucherRewardId);

    private sealed record Simulation(long Points, List<RuleOutcome> Rules);

    private sealed record DryRun(long Points, int Purchases, int PurchasesScanned, int Vouchers);
}
