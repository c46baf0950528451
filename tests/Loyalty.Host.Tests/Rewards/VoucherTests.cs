using System.Net;
using System.Net.Http.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Rewards;

public sealed class VoucherTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_voucher_is_checked_for_member_and_basket_and_used_once_however_often_the_till_sends_it(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await RewardsApi.CreateAsync(host);
        var reward = await api.CreateRewardAsync(new { value = (long?)null, percent = 10m, minimumSpend = 2000, voucherValidDays = 7 });
        var member = await api.MemberWithPointsAsync("shop-1", 500);
        var other = await api.MemberWithPointsAsync("shop-2", 0);
        var code = (await (await api.RedeemAsync(member, reward.Id)).Content.ReadFromJsonAsync<RewardsApi.RedemptionView>())!.Voucher!.Code!;

        var check = await api.Pos.PostAsJsonAsync($"{api.Vouchers}/validate", new { code = code.ToLowerInvariant(), memberId = member, basketTotal = 4599 });
        var belowMinimum = await api.Pos.PostAsJsonAsync($"{api.Vouchers}/validate", new { code, memberId = member, basketTotal = 1999 });
        var otherMember = await api.Pos.PostAsJsonAsync($"{api.Vouchers}/validate", new { code, memberId = other, basketTotal = 4599 });
        var use = await api.Pos.PostAsJsonAsync($"{api.Vouchers}/redeem", new { code, memberId = member, basketTotal = 4599, externalId = "till-1" });
        var repeat = await api.Pos.PostAsJsonAsync($"{api.Vouchers}/redeem", new { code, memberId = member, basketTotal = 4599, externalId = "till-1" });
        var secondUse = await api.Pos.PostAsJsonAsync($"{api.Vouchers}/redeem", new { code, memberId = member, basketTotal = 4599, externalId = "till-2" });

        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        Assert.Equal(459, (await check.Content.ReadFromJsonAsync<Check>())!.Discount);
        Assert.Equal("urn:loyalty:rewards:minimum-spend-not-met", await TypeAsync(belowMinimum));
        Assert.Equal("urn:loyalty:rewards:voucher-not-for-member", await TypeAsync(otherMember));
        Assert.Equal(HttpStatusCode.Created, use.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(459, (await repeat.Content.ReadFromJsonAsync<Use>())!.Discount);
        Assert.Equal(HttpStatusCode.Conflict, secondUse.StatusCode);
        Assert.Equal("urn:loyalty:rewards:voucher-used", await TypeAsync(secondUse));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Two_tills_using_one_single_use_code_at_once_get_one_use_between_them(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await RewardsApi.CreateAsync(host);
        var batch = await CreateBatchAsync(api, new { code = "flash", count = 1, kind = "giftCard", value = 1000 });
        var code = Assert.Single(batch.Codes!);

        var uses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            api.Pos.PostAsJsonAsync($"{api.Vouchers}/redeem", new { code, basketTotal = 5000, externalId = $"till-{i}" })));

        Assert.Equal(1, uses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(9, uses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task An_expired_voucher_is_refused_with_its_own_problem_type()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await RewardsApi.CreateAsync(host);
        var batch = await CreateBatchAsync(api, new { code = "short", count = 1, kind = "freeProductVoucher", productSku = "latte", expiresAt = host.Clock.GetUtcNow().AddDays(1) });

        host.Clock.Advance(TimeSpan.FromDays(2));
        var expired = await api.Pos.PostAsJsonAsync($"{api.Vouchers}/redeem", new { code = batch.Codes![0], basketTotal = 500, externalId = "till-1" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, expired.StatusCode);
        Assert.Equal("urn:loyalty:rewards:voucher-expired", await TypeAsync(expired));
    }

    [Fact]
    public async Task Codes_end_in_a_Luhn_mod_N_check_character_a_till_can_verify_offline()
    {
        const string alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await RewardsApi.CreateAsync(host);

        var batch = await CreateBatchAsync(api, new { code = "checked", count = 500, kind = "giftCard", value = 1000, codeFormat = new { prefix = "GC-", length = 12, checkCharacter = true } });

        Assert.All(batch.Codes!, code => Assert.Equal(LuhnModN(code[3..^1], alphabet), code[^1]));
        var typo = batch.Codes![0][..5] + (batch.Codes[0][5] == 'A' ? 'B' : 'A') + batch.Codes[0][6..];
        Assert.NotEqual(LuhnModN(typo[3..^1], alphabet), typo[^1]);
    }

    /// <summary>The check character as a till computes it: Luhn mod N over the random part, N the alphabet's size.</summary>
    private static char LuhnModN(string payload, string alphabet)
    {
        var (factor, sum) = (2, 0);
        for (var i = payload.Length - 1; i >= 0; i--)
        {
            var addend = factor * alphabet.IndexOf(payload[i], StringComparison.Ordinal);
            factor = factor == 2 ? 1 : 2;
            sum += (addend / alphabet.Length) + (addend % alphabet.Length);
        }

        return alphabet[(alphabet.Length - (sum % alphabet.Length)) % alphabet.Length];
    }

    [Fact]
    public async Task A_hash_only_voucher_shows_its_code_once_and_is_still_found_by_it()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await RewardsApi.CreateAsync(host);
        var reward = await api.CreateRewardAsync(new { codeFormat = new { length = 14, hashOnly = true } });
        var member = await api.MemberWithPointsAsync("shop-1", 500);

        var issued = (await (await api.RedeemAsync(member, reward.Id)).Content.ReadFromJsonAsync<RewardsApi.RedemptionView>())!;
        var later = (await api.Pos.GetFromJsonAsync<RewardsApi.RedemptionView>(api.Redemption(issued.Id)))!;
        var check = await api.Pos.PostAsJsonAsync($"{api.Vouchers}/validate", new { code = issued.Voucher!.Code, memberId = member, basketTotal = 1000 });

        Assert.NotNull(issued.Voucher.Code);
        Assert.Null(later.Voucher!.Code);
        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
    }

    [Fact]
    public async Task Too_many_unknown_codes_from_one_client_are_refused_for_a_while_and_other_clients_go_on()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["Modules:Rewards:Vouchers:InvalidCodesPerWindow"] = "3" });
        var api = await RewardsApi.CreateAsync(host);
        var batch = await CreateBatchAsync(api, new { code = "real", count = 1, kind = "giftCard", value = 1000 });
        var otherTill = await host.ApiKeyClientAsync(Roles.Integrator);

        var guesses = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            guesses.Add(await api.Pos.PostAsJsonAsync($"{api.Vouchers}/validate", new { code = $"GUESS{i}ABCDEFGH", basketTotal = 1000 }));
        }

        var realCodeWhileBlocked = await api.Pos.PostAsJsonAsync($"{api.Vouchers}/validate", new { code = batch.Codes![0], basketTotal = 1000 });
        var otherClient = await otherTill.PostAsJsonAsync($"{api.Vouchers}/validate", new { code = batch.Codes![0], basketTotal = 1000 });

        Assert.All(guesses.Take(3), r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.Equal(HttpStatusCode.TooManyRequests, guesses[3].StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, realCodeWhileBlocked.StatusCode);
        Assert.Equal("urn:loyalty:rewards:too-many-invalid-codes", await TypeAsync(realCodeWhileBlocked));
        Assert.NotNull(realCodeWhileBlocked.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, otherClient.StatusCode);
    }

    [Fact]
    public async Task Bad_voucher_and_batch_fields_are_named()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await RewardsApi.CreateAsync(host);

        var redeem = await api.Pos.PostAsJsonAsync($"{api.Vouchers}/redeem", new { code = "", basketTotal = -1 });
        var batch = await api.Admin.PostAsJsonAsync(api.VoucherBatches, new { code = "b", count = 1_000_001, kind = "cashback", codeFormat = new { length = 6, hashOnly = true, alphabet = "AAB" } });

        Assert.Equal(["basketTotal", "code", "externalId"], (await redeem.Content.ReadFromJsonAsync<RewardsApi.ValidationProblem>())!.Errors.Keys.Order());
        Assert.Equal(["codeFormat.alphabet", "codeFormat.length", "count", "kind"], (await batch.Content.ReadFromJsonAsync<RewardsApi.ValidationProblem>())!.Errors.Keys.Order());
    }

    private static async Task<Batch> CreateBatchAsync(RewardsApi api, object body) => new((await api.GenerateBatchAsync(body)).Codes);

    private static async Task<string> TypeAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<RewardsApi.Problem>())!.Type;

    private sealed record Check(Guid VoucherId, string Kind, long Discount, int UsesLeft);

    private sealed record Use(Guid VoucherId, string ExternalId, long Discount, int UsesLeft);

    private sealed record Batch(List<string> Codes);
}
