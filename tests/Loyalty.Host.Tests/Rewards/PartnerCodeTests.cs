using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Rewards;

public sealed class PartnerCodeTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_file_of_codes_fills_the_pool_once_and_a_file_with_repeated_codes_is_refused_by_line_with_nothing_added(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await RewardsApi.CreateAsync(host);
        var reward = await CreatePartnerRewardAsync(api);

        var first = await UploadAsync(api, reward.Id, "code\nCINE-001\nCINE-002\nCINE-003\n");
        var again = await UploadAsync(api, reward.Id, "code\nCINE-001\nCINE-002\nCINE-003\n");
        var bad = await UploadAsync(api, reward.Id, "code,comment\nCINE-004,new\nCINE-004,twice\nCINE-002,already there\n,empty\n");
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes("code\nCINE-005\nCINE-006\n")), "file", "partner-batch-2.csv");
        var multipart = await api.Admin.PostAsync($"{api.Rewards}/{reward.Id}/codes", form);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var upload = (await first.Content.ReadFromJsonAsync<Upload>())!;
        Assert.Equal(upload.Id, (await again.Content.ReadFromJsonAsync<Upload>())!.Id);
        Assert.Equal(3, upload.Count);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var refusal = (await bad.Content.ReadFromJsonAsync<FileRefusal>())!;
        Assert.Equal("urn:loyalty:rewards:code-file-rejected", refusal.Type);
        Assert.Equal(3, refusal.ErrorCount);
        Assert.Equal(new[] { (3L, "The code repeats line 2."), (4L, "The code is already in the pool."), (5L, "The code is empty.") }, refusal.Errors.Select(e => (e.Line, e.Reason)));
        Assert.DoesNotContain("CINE-00", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, multipart.StatusCode);
        Assert.Equal("partner-batch-2.csv", (await multipart.Content.ReadFromJsonAsync<Upload>())!.FileName);
        Assert.Equal(5, await api.StockAsync(reward.Id));
        var pool = await PoolAsync(api, reward.Id);
        Assert.Equal(5, pool.Available);
        Assert.Equal(2, pool.Uploads.Count);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_redemption_draws_a_code_a_cancel_before_it_is_revealed_returns_it_and_a_cancel_after_does_not(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await RewardsApi.CreateAsync(host);
        var reward = await CreatePartnerRewardAsync(api);
        (await UploadAsync(api, reward.Id, "code\nCINE-001\nCINE-002\nCINE-003\n")).EnsureSuccessStatusCode();
        var member = await api.MemberWithPointsAsync("shop-1", 1000);

        var unseen = await RedeemAsync(api, member, reward.Id, "order-1");
        var seen = await RedeemAsync(api, member, reward.Id, "order-2");
        var shown = await api.Pos.PostAsync($"{api.Redemption(seen.Id)}/partner-code", null);
        var code = (await shown.Content.ReadFromJsonAsync<Shown>())!;
        var shownAgain = (await (await api.Pos.PostAsync($"{api.Redemption(seen.Id)}/partner-code", null)).Content.ReadFromJsonAsync<Shown>())!;
        Assert.Equal(1, await api.StockAsync(reward.Id));

        (await api.Pos.PostAsync($"{api.Redemption(unseen.Id)}/cancel", null)).EnsureSuccessStatusCode();
        (await api.Pos.PostAsync($"{api.Redemption(seen.Id)}/cancel", null)).EnsureSuccessStatusCode();
        var afterCancel = await api.Pos.PostAsync($"{api.Redemption(unseen.Id)}/partner-code", null);

        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Matches("^CINE-00[123]$", code.Code);
        Assert.Equal(code, shownAgain);
        Assert.Equal(host.Clock.GetUtcNow(), code.RevealedAt);
        Assert.Equal("urn:loyalty:rewards:partner-code-not-revealable", (await afterCancel.Content.ReadFromJsonAsync<RewardsApi.Problem>())!.Type);
        Assert.Equal(2, await api.StockAsync(reward.Id));
        var pool = await PoolAsync(api, reward.Id);
        Assert.Equal((2, 1, 1), (pool.Available, pool.Assigned, pool.Revealed));
        Assert.Equal(1000, await api.PointsAsync(member));

        // The returned code is drawn again; the revealed one never is.
        var others = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var next = await RedeemAsync(api, member, reward.Id, $"order-{3 + i}");
            others.Add((await (await api.Pos.PostAsync($"{api.Redemption(next.Id)}/partner-code", null)).Content.ReadFromJsonAsync<Shown>())!.Code);
        }

        Assert.DoesNotContain(code.Code, others);
        Assert.Equal("CINE-001 CINE-002 CINE-003", string.Join(' ', others.Append(code.Code).Order()));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Parallel_redemptions_of_the_last_codes_never_get_the_same_code_and_the_empty_pool_is_out_of_stock(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await RewardsApi.CreateAsync(host);
        var reward = await CreatePartnerRewardAsync(api);
        (await UploadAsync(api, reward.Id, "code\n" + string.Join('\n', Enumerable.Range(1, 5).Select(i => $"LAST-{i}")))).EnsureSuccessStatusCode();
        var members = new List<Guid>();
        for (var i = 0; i < 30; i++)
        {
            members.Add(await api.MemberWithPointsAsync($"shop-{i}", 500));
        }

        var attempts = await Task.WhenAll(members.Select((member, i) => api.RedeemAsync(member, reward.Id, $"order-{i}")));

        foreach (var other in attempts.Where(r => r.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict)))
        {
            Assert.Fail($"{other.StatusCode}: {await other.Content.ReadAsStringAsync()}");
        }

        var redeemed = attempts.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        Assert.Equal(5, redeemed.Count);
        var codes = new List<string>();
        foreach (var response in redeemed)
        {
            var redemption = (await response.Content.ReadFromJsonAsync<RewardsApi.RedemptionView>())!;
            codes.Add((await (await api.Pos.PostAsync($"{api.Redemption(redemption.Id)}/partner-code", null)).Content.ReadFromJsonAsync<Shown>())!.Code);
        }

        Assert.Equal("LAST-1 LAST-2 LAST-3 LAST-4 LAST-5", string.Join(' ', codes.Order()));
        foreach (var refused in attempts.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            Assert.Equal("urn:loyalty:rewards:out-of-stock", (await refused.Content.ReadFromJsonAsync<RewardsApi.Problem>())!.Type);
        }

        var pool = await PoolAsync(api, reward.Id);
        Assert.True(pool.OutOfStock);
        Assert.Equal((0, 5), (pool.Available, pool.Assigned));
        var listing = await api.Pos.GetFromJsonAsync<List<Listed>>($"/api/rewards/programs/{api.Members.Program}/members/{members[^1]}/rewards");
        Assert.Equal("out of stock", listing!.Single(r => r.Id == reward.Id).LockedReason);
        var balances = await Task.WhenAll(members.Select(api.PointsAsync));
        Assert.Equal(5, balances.Count(b => b == 0));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_low_pool_alert_is_published_once_per_crossing_of_the_threshold_and_shown_on_the_pool(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await RewardsApi.CreateAsync(host);
        var reward = await CreatePartnerRewardAsync(api, new { lowPoolThreshold = 2 });
        (await UploadAsync(api, reward.Id, "code\nA1\nA2\nA3\nA4\nA5\n")).EnsureSuccessStatusCode();
        var member = await api.MemberWithPointsAsync("shop-1", 10_000);

        for (var i = 0; i < 2; i++)
        {
            await RedeemAsync(api, member, reward.Id, $"order-{i}");
        }

        var aboveThreshold = await PoolAsync(api, reward.Id);
        await RedeemAsync(api, member, reward.Id, "order-2");
        var crossed = await PoolAsync(api, reward.Id);
        await RedeemAsync(api, member, reward.Id, "order-3");
        var alertsWhileLow = await AlertsAsync(host);
        (await UploadAsync(api, reward.Id, "code\nB1\nB2\nB3\n")).EnsureSuccessStatusCode();
        var refilled = await PoolAsync(api, reward.Id);
        for (var i = 4; i < 6; i++)
        {
            await RedeemAsync(api, member, reward.Id, $"order-{i}");
        }

        Assert.False(aboveThreshold.Low);
        Assert.True(crossed.Low);
        Assert.Equal(host.Clock.GetUtcNow(), crossed.LowSince);
        Assert.Equal(2, crossed.Available);
        Assert.Equal(1, alertsWhileLow);
        Assert.False(refilled.Low);
        Assert.Equal(4, refilled.Available);
        Assert.Equal(2, await AlertsAsync(host));
        Assert.True((await PoolAsync(api, reward.Id)).Low);
        var payload = await WithRewardsDbAsync(host, db => db.OutboxMessages.Where(m => m.EventType.Contains("PartnerCodePoolLow")).OrderBy(m => m.Id).Select(m => m.Payload).FirstAsync());
        Assert.Contains("\"available\":2", payload, StringComparison.Ordinal);
        Assert.Contains("\"threshold\":2", payload, StringComparison.Ordinal);

        var cleared = await api.Admin.PostAsJsonAsync($"{api.Rewards}/{reward.Id}/codes/threshold", new { lowPoolThreshold = (int?)null });
        var raisedAtOnce = await api.Admin.PostAsJsonAsync($"{api.Rewards}/{reward.Id}/codes/threshold", new { lowPoolThreshold = 5 });
        Assert.False((await cleared.Content.ReadFromJsonAsync<Pool>())!.Low);
        Assert.True((await raisedAtOnce.Content.ReadFromJsonAsync<Pool>())!.Low);
        Assert.Equal(3, await AlertsAsync(host));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Where_the_program_keeps_only_hashes_a_code_is_shown_once_and_then_erased(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await RewardsApi.CreateAsync(host);
        var reward = await CreatePartnerRewardAsync(api, new { codeFormat = new { hashOnly = true } });
        (await UploadAsync(api, reward.Id, "code\nSECRET-1\nSECRET-2\n")).EnsureSuccessStatusCode();
        var member = await api.MemberWithPointsAsync("shop-1", 1000);
        var redemption = await RedeemAsync(api, member, reward.Id, "order-1");

        var first = await api.Pos.PostAsync($"{api.Redemption(redemption.Id)}/partner-code", null);
        var second = await api.Pos.PostAsync($"{api.Redemption(redemption.Id)}/partner-code", null);
        var duplicateOfShown = await UploadAsync(api, reward.Id, "code\nSECRET-3\n" + (await first.Content.ReadFromJsonAsync<Shown>())!.Code + "\n");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, second.StatusCode);
        Assert.Equal("urn:loyalty:rewards:partner-code-shown", (await second.Content.ReadFromJsonAsync<RewardsApi.Problem>())!.Type);
        Assert.Equal("urn:loyalty:rewards:code-file-rejected", (await duplicateOfShown.Content.ReadFromJsonAsync<RewardsApi.Problem>())!.Type);
        Assert.Equal(1, await CountCodesAsync(host, provider, "\"Code\" IS NULL"));
        Assert.Equal(1, await CountCodesAsync(host, provider, "\"Code\" IS NOT NULL"));
        Assert.True((await PoolAsync(api, reward.Id)).HashOnly);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Codes_go_only_to_partner_rewards_whose_stock_is_the_pool(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await RewardsApi.CreateAsync(host);
        var voucherReward = await api.CreateRewardAsync(new { stock = 5 });
        var partner = await CreatePartnerRewardAsync(api);

        var upload = await UploadAsync(api, voucherReward.Id, "code\nX1\n");
        var withStock = await api.Admin.PostAsJsonAsync(api.Rewards, new { name = "Cinema", kind = "partnerReward", pointsCost = 300, stock = 10 });
        var thresholdOnVoucher = await api.Admin.PostAsJsonAsync(api.Rewards, new { name = "5 off", kind = "discountVoucher", pointsCost = 300, value = 500, lowPoolThreshold = 3 });
        var restock = await api.Admin.PostAsJsonAsync($"{api.Rewards}/{partner.Id}/stock", new { add = 5 });
        var empty = await UploadAsync(api, partner.Id, "code\n");
        var member = await api.MemberWithPointsAsync("shop-1", 1000);
        var emptyPool = await api.RedeemAsync(member, partner.Id);

        Assert.Equal("urn:loyalty:rewards:not-a-partner-reward", (await upload.Content.ReadFromJsonAsync<RewardsApi.Problem>())!.Type);
        Assert.Contains("stock", (await withStock.Content.ReadFromJsonAsync<RewardsApi.ValidationProblem>())!.Errors.Keys);
        Assert.Contains("lowPoolThreshold", (await thresholdOnVoucher.Content.ReadFromJsonAsync<RewardsApi.ValidationProblem>())!.Errors.Keys);
        Assert.Contains("add", (await restock.Content.ReadFromJsonAsync<RewardsApi.ValidationProblem>())!.Errors.Keys);
        Assert.Equal("urn:loyalty:rewards:code-file-rejected", (await empty.Content.ReadFromJsonAsync<RewardsApi.Problem>())!.Type);
        Assert.Equal(0, partner.Stock);
        Assert.Equal("urn:loyalty:rewards:out-of-stock", (await emptyPool.Content.ReadFromJsonAsync<RewardsApi.Problem>())!.Type);
        Assert.Equal(1000, await api.PointsAsync(member));
    }

    private static async Task<RewardsApi.RewardView> CreatePartnerRewardAsync(RewardsApi api, object? settings = null)
    {
        var body = new Dictionary<string, object?> { ["name"] = "Cinema ticket", ["kind"] = "partnerReward", ["pointsCost"] = 500, ["category"] = "partners" };
        foreach (var property in settings?.GetType().GetProperties() ?? [])
        {
            body[char.ToLowerInvariant(property.Name[0]) + property.Name[1..]] = property.GetValue(settings);
        }

        var response = await api.Admin.PostAsJsonAsync(api.Rewards, body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<RewardsApi.RewardView>())!;
    }

    private static Task<HttpResponseMessage> UploadAsync(RewardsApi api, Guid rewardId, string csv)
    {
        var content = new StringContent(csv, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return api.Admin.PostAsync($"{api.Rewards}/{rewardId}/codes?fileName=partner.csv", content);
    }

    private static async Task<RewardsApi.RedemptionView> RedeemAsync(RewardsApi api, Guid member, Guid rewardId, string externalId)
    {
        var response = await api.RedeemAsync(member, rewardId, externalId);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<RewardsApi.RedemptionView>())!;
    }

    private static async Task<Pool> PoolAsync(RewardsApi api, Guid rewardId) => (await api.Admin.GetFromJsonAsync<Pool>($"{api.Rewards}/{rewardId}/codes"))!;

    private static Task<int> AlertsAsync(LoyaltyHost host) =>
        WithRewardsDbAsync(host, db => db.OutboxMessages.CountAsync(m => m.EventType.Contains("PartnerCodePoolLow")));

    private static async Task<T> WithRewardsDbAsync<T>(LoyaltyHost host, Func<ModuleDbContext, Task<T>> query)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await query(LoyaltyHost.ModuleContext(scope.ServiceProvider, "rewards"));
    }

    private static Task<long> CountCodesAsync(LoyaltyHost host, DatabaseProvider provider, string where) => WithRewardsDbAsync(host, async db =>
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        var table = provider == DatabaseProvider.Sqlite ? "\"rewards_PartnerCodes\"" : "rewards.\"PartnerCodes\"";
        command.CommandText = $"SELECT COUNT(*) FROM {table} WHERE {where}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    });

    private sealed record Upload(Guid Id, string? FileName, string Sha256, int Count);

    private sealed record FileError(long Line, string Reason);

    private sealed record FileRefusal(string Type, int ErrorCount, List<FileError> Errors);

    private sealed record Shown(Guid RedemptionId, string Code, DateTimeOffset RevealedAt);

    private sealed record Pool(long Available, long Assigned, long Revealed, int? LowPoolThreshold, bool Low, DateTimeOffset? LowSince, bool OutOfStock, bool HashOnly, List<Upload> Uploads);

    private sealed record Listed(Guid Id, bool Redeemable, string? LockedReason);
}
