using System.Net;
using System.Net.Http.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Rewards;

public sealed class VoucherBatchTests
{
    private const string Job = "GenerateVoucherBatchesJob";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_batch_is_generated_in_chunks_into_distinct_codes_of_its_format_and_a_repeat_answers_the_batch(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider, new Dictionary<string, string?> { ["Modules:Rewards:Vouchers:BatchChunkSize"] = "1000" });
        var api = await RewardsApi.CreateAsync(host);
        var body = new { code = "spring", count = 5000, kind = "discountVoucher", value = 500, codeFormat = new { prefix = "SPRING-", length = 13, checkCharacter = true } };

        var (batch, codes) = await api.GenerateBatchAsync(body);
        var repeat = await api.Admin.PostAsJsonAsync(api.VoucherBatches, body);
        var conflicting = await api.Admin.PostAsJsonAsync(api.VoucherBatches, body with { count = 10 });
        var again = await api.BatchCodesAsync(batch.Id);

        Assert.Equal((5000, 5000, 100m, true), (batch.Count, batch.Generated, batch.Percent, batch.CodesAvailable));
        Assert.Equal(5000, codes.Distinct().Count());
        Assert.All(codes, code => Assert.Matches("^SPRING-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{14}$", code));
        Assert.Equal(codes, again);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(batch.Id, (await repeat.Content.ReadFromJsonAsync<RewardsApi.BatchView>())!.Id);
        Assert.Equal("urn:loyalty:rewards:batch-exists", await TypeAsync(conflicting));
        var check = await api.Pos.PostAsJsonAsync($"{api.Vouchers}/validate", new { code = codes[4321], basketTotal = 1000 });
        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_batch_stopped_midway_is_resumed_by_the_next_run_without_repeated_or_missing_codes(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(
            provider, new Dictionary<string, string?> { ["Modules:Rewards:Vouchers:BatchChunkSize"] = "100" }, schedulerHeld: true);
        var api = await RewardsApi.CreateAsync(host);
        var created = await api.Admin.PostAsJsonAsync(api.VoucherBatches, new { code = "big", count = 20_000, kind = "giftCard", value = 1000 });
        var id = (await created.Content.ReadFromJsonAsync<RewardsApi.BatchView>())!.Id;

        using (var stop = new CancellationTokenSource())
        {
            var watcher = Task.Run(async () =>
            {
                while ((await api.Admin.GetFromJsonAsync<RewardsApi.BatchView>($"{api.VoucherBatches}/{id}"))!.Generated < 300)
                {
                    await Task.Delay(5);
                }

                await stop.CancelAsync();
            });
            await host.RunJobAsync("rewards", Job, stop.Token);
            await watcher;
        }

        var midway = (await api.Admin.GetFromJsonAsync<RewardsApi.BatchView>($"{api.VoucherBatches}/{id}"))!;
        var early = await api.Admin.GetAsync($"{api.VoucherBatches}/{id}/codes");
        var done = await api.CompleteBatchAsync(id);
        var codes = await api.BatchCodesAsync(id);

        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        Assert.Equal("generating", midway.Status);
        Assert.InRange(midway.Generated, 300, 19_900);
        Assert.Equal(0, midway.Generated % 100);
        Assert.Equal("urn:loyalty:rewards:batch-not-complete", await TypeAsync(early));
        Assert.Equal((20_000, 100m), (done.Generated, done.Percent));
        Assert.Equal(20_000, codes.Count);
        Assert.Equal(20_000, codes.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_hash_only_batch_gives_its_codes_once_and_then_keeps_only_their_hashes(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await RewardsApi.CreateAsync(host);

        var (batch, codes) = await api.GenerateBatchAsync(new { code = "secret", count = 50, kind = "giftCard", value = 1000, codeFormat = new { length = 14, hashOnly = true } });
        var second = await api.Admin.GetAsync($"{api.VoucherBatches}/{batch.Id}/codes");
        var after = (await api.Admin.GetFromJsonAsync<RewardsApi.BatchView>($"{api.VoucherBatches}/{batch.Id}"))!;
        var check = await api.Pos.PostAsJsonAsync($"{api.Vouchers}/validate", new { code = codes[7], basketTotal = 1000 });

        Assert.Equal(50, codes.Distinct().Count());
        Assert.Equal(HttpStatusCode.Gone, second.StatusCode);
        Assert.Equal("urn:loyalty:rewards:batch-codes-shown", await TypeAsync(second));
        Assert.False(after.CodesAvailable);
        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        Assert.Equal(0, await KeptCodesAsync(host));
    }

    [Fact]
    public async Task An_unknown_batch_is_its_own_problem_type()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await RewardsApi.CreateAsync(host);

        var response = await api.Admin.GetAsync($"{api.VoucherBatches}/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("urn:loyalty:rewards:unknown-batch", await TypeAsync(response));
    }

    /// <summary>Vouchers whose code is stored in the clear, as a dump of the database would show them.</summary>
    private static async Task<int> KeptCodesAsync(LoyaltyHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = LoyaltyHost.ModuleContext(scope.ServiceProvider, "rewards");
        var vouchers = db.Model.FindEntityType("Loyalty.Rewards.Vouchers.Voucher")!;
        var table = vouchers.GetSchema() is { } schema ? $"\"{schema}\".\"{vouchers.GetTableName()}\"" : $"\"{vouchers.GetTableName()}\"";
        var sql = $"SELECT COUNT(*) AS \"Value\" FROM {table} WHERE \"Code\" IS NOT NULL";
        return await db.Database.SqlQueryRaw<int>(sql).SingleAsync();
    }

    private static async Task<string> TypeAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<RewardsApi.Problem>())!.Type;
}
