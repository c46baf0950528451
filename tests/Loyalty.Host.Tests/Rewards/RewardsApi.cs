using System.Net;
using System.Net.Http.Json;
using Loyalty.Host.Tests.Members;

namespace Loyalty.Host.Tests.Rewards;

/// <summary>A program with its members (through <see cref="MembersApi"/>) and the Rewards API's routes and views.</summary>
public sealed class RewardsApi
{
    private readonly LoyaltyHost _host;

    private RewardsApi(MembersApi members, LoyaltyHost host)
    {
        Members = members;
        _host = host;
    }

    public MembersApi Members { get; }

    public HttpClient Admin => Members.Admin;

    public HttpClient Pos => Members.Pos;

    public string Rewards => $"/api/rewards/programs/{Members.Program}/rewards";

    public string Vouchers => $"/api/rewards/programs/{Members.Program}/vouchers";

    public string VoucherBatches => $"/api/rewards/programs/{Members.Program}/voucher-batches";

    public static async Task<RewardsApi> CreateAsync(LoyaltyHost host, object? programSettings = null) => new(await MembersApi.CreateAsync(host, programSettings), host);

    /// <summary>Queues a voucher batch, waits for it to be complete and downloads its codes.</summary>
    public async Task<(BatchView Batch, List<string> Codes)> GenerateBatchAsync(object body)
    {
        var response = await Admin.PostAsJsonAsync(VoucherBatches, body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var batch = await CompleteBatchAsync((await response.Content.ReadFromJsonAsync<BatchView>())!.Id);
        return (batch, await BatchCodesAsync(batch.Id));
    }

    /// <summary>Runs the generation job until the batch is complete: the host's own trigger may be running it, so one run is not assumed.</summary>
    public async Task<BatchView> CompleteBatchAsync(Guid id)
    {
        for (var i = 0; i < 1000; i++)
        {
            var batch = (await Admin.GetFromJsonAsync<BatchView>($"{VoucherBatches}/{id}"))!;
            if (batch.Status == "completed")
            {
                return batch;
            }

            await _host.RunJobAsync("rewards", "GenerateVoucherBatchesJob");
            await Task.Delay(20);
        }

        throw new TimeoutException("The voucher batch was not completed.");
    }

    /// <summary>The codes of the batch's CSV download, without its header.</summary>
    public async Task<List<string>> BatchCodesAsync(Guid id)
    {
        var response = await Admin.GetAsync($"{VoucherBatches}/{id}/codes");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("code", lines[0]);
        return [.. lines[1..]];
    }

    public string RedemptionsOf(Guid memberId) => $"/api/rewards/programs/{Members.Program}/members/{memberId}/redemptions";

    public string Redemption(Guid id) => $"/api/rewards/programs/{Members.Program}/redemptions/{id}";

    /// <summary>A discount voucher reward of 500 points; <paramref name="settings"/> overrides or adds fields.</summary>
    public async Task<RewardView> CreateRewardAsync(object? settings = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["name"] = "5 € off",
            ["kind"] = "discountVoucher",
            ["pointsCost"] = 500,
            ["value"] = 500,
        };
        foreach (var property in settings?.GetType().GetProperties() ?? [])
        {
            body[char.ToLowerInvariant(property.Name[0]) + property.Name[1..]] = property.GetValue(settings);
        }

        var response = await Admin.PostAsJsonAsync(Rewards, body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<RewardView>())!;
    }

    /// <summary>A new member with <paramref name="points"/> spendable points.</summary>
    public async Task<Guid> MemberWithPointsAsync(string externalId, long points)
    {
        var member = await Members.EnrollAsync(externalId);
        if (points > 0)
        {
            (await Admin.PostAsJsonAsync($"{Members.Members}/{member}/adjustments", new { points, reason = "test balance" })).EnsureSuccessStatusCode();
        }

        return member;
    }

    public Task<HttpResponseMessage> RedeemAsync(Guid memberId, Guid rewardId, string? externalId = null) =>
        Pos.PostAsJsonAsync(RedemptionsOf(memberId), new { rewardId, externalId });

    public async Task<long> PointsAsync(Guid memberId) => (await Members.PointsAsync(memberId)).Available;

    public async Task<long?> StockAsync(Guid rewardId) => (await Admin.GetFromJsonAsync<RewardView>($"{Rewards}/{rewardId}"))!.Stock;

    public sealed record RewardView(Guid Id, string Name, string Kind, string Status, long PointsCost, long? Stock);

    public sealed record RedemptionView(Guid Id, Guid RewardId, Guid MemberId, string? ExternalId, string Status, long Points, string? Fulfilment, VoucherView? Voucher);

    public sealed record VoucherView(Guid Id, string? Code, string Kind, long? Value, DateTimeOffset? ExpiresAt, int MaxUses, int Uses, string Status);

    public sealed record BatchView(Guid Id, string Code, string Status, int Count, int Generated, decimal Percent, bool HashOnly, bool CodesAvailable);

    public sealed record Problem(string Type, string Title, int Status, string? Detail);

    public sealed record ValidationProblem(Dictionary<string, string[]> Errors);
}
