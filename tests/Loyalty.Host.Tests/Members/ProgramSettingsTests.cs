using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Members;

/// <summary>PUT …/programs/{program}/base-rate and …/expiry: If-Match with the program's ETag, problem+json naming the field, audited.</summary>
public sealed class ProgramSettingsTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_new_base_rate_earns_on_the_next_purchase_and_a_stale_ETag_is_refused(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        var member = await api.EnrollAsync("shop-1");
        (await api.PurchaseAsync("T-1", member, 1000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        var path = $"/api/members/programs/{api.Program}";
        var etag = (await api.Admin.GetAsync(path)).Headers.ETag!.Tag;

        var changed = await PutAsync(api.Admin, $"{path}/base-rate", new { pointsPerCurrencyUnit = 2.5m, baseRateScope = "PerTransaction" }, etag);
        var stale = await PutAsync(api.Admin, $"{path}/base-rate", new { pointsPerCurrencyUnit = 3m, baseRateScope = "PerLine" }, etag);
        var without = await PutAsync(api.Admin, $"{path}/base-rate", new { pointsPerCurrencyUnit = 3m, baseRateScope = "PerLine" }, null);

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag!.Tag);
        Assert.Equal(changed.Headers.ETag!.Tag, (await api.Admin.GetAsync(path)).Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
        Assert.Equal((HttpStatusCode)428, without.StatusCode);
        var program = await api.Admin.GetFromJsonAsync<JsonElement>(path);
        Assert.Equal((2.5m, "PerTransaction"), (program.GetProperty("pointsPerCurrencyUnit").GetDecimal(), program.GetProperty("baseRateScope").GetString()));

        // 10 EUR earned 10 points before; 10 EUR more earn 25 at the new rate.
        (await api.PurchaseAsync("T-2", member, 1000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        Assert.Equal(35, (await api.PointsAsync(member)).Available);

        using var admin = await host.SignedInAdminAsync();
        var audit = await admin.GetFromJsonAsync<List<JsonElement>>("/api/admin/audit?module=members");
        var entry = Assert.Single(audit!, e => e.GetProperty("action").GetString() == "members.program.base-rate-changed");
        Assert.Contains("PerTransaction", entry.GetProperty("details").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_new_expiry_policy_applies_to_points_earned_from_then_on_and_lots_earned_before_keep_their_expiry(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host, new { expiryPolicy = "RollingMonths", expiryMonths = 12 });
        var member = await api.EnrollAsync("shop-1");
        var before = host.Clock.GetUtcNow();
        (await api.PurchaseAsync("T-1", member, 1000, before)).EnsureSuccessStatusCode();
        var path = $"/api/members/programs/{api.Program}";
        var etag = (await api.Admin.GetAsync(path)).Headers.ETag!.Tag;

        var changed = await PutAsync(api.Admin, $"{path}/expiry", new { expiryPolicy = "RollingMonths", expiryMonths = 36 }, etag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        (await api.PurchaseAsync("T-2", member, 2000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();

        var expiring = await api.Admin.GetFromJsonAsync<List<Expiring>>($"{api.Members}/{member}/expiring-points?days=2000");
        Assert.Equal([(before.AddMonths(12), 10L), (before.AddMonths(36), 20L)], expiring!.OrderBy(e => e.ExpiresAt).Select(e => (e.ExpiresAt, e.Points)));

        var never = await PutAsync(api.Admin, $"{path}/expiry", new { expiryPolicy = "Never" }, changed.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, never.StatusCode);
        var program = await api.Admin.GetFromJsonAsync<JsonElement>(path);
        Assert.Equal(("Never", 0), (program.GetProperty("expiryPolicy").GetString(), program.GetProperty("expiryMonths").GetInt32()));
        using var admin = await host.SignedInAdminAsync();
        var audit = await admin.GetFromJsonAsync<List<JsonElement>>("/api/admin/audit?module=members");
        Assert.Equal(2, audit!.Count(e => e.GetProperty("action").GetString() == "members.program.expiry-changed"));
    }

    [Fact]
    public async Task Invalid_settings_are_refused_naming_each_field_and_support_staff_may_not_change_them()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await MembersApi.CreateAsync(host);
        var path = $"/api/members/programs/{api.Program}";
        var etag = (await api.Admin.GetAsync(path)).Headers.ETag!.Tag;

        var rate = await PutAsync(api.Admin, $"{path}/base-rate", new { pointsPerCurrencyUnit = 0, baseRateScope = "PerBasket" }, etag);
        var rolling = await PutAsync(api.Admin, $"{path}/expiry", new { expiryPolicy = "RollingMonths", expiryMonths = 121 }, etag);
        var policy = await PutAsync(api.Admin, $"{path}/expiry", new { expiryPolicy = "Sometimes" }, etag);
        using var support = await host.ApiKeyClientAsync(Roles.Support);
        var refused = await PutAsync(support, $"{path}/expiry", new { expiryPolicy = "Never" }, etag);
        var unknown = await PutAsync(api.Admin, "/api/members/programs/nowhere/expiry", new { expiryPolicy = "Never" }, etag);

        Assert.Equal(["baseRateScope", "pointsPerCurrencyUnit"], await FieldsAsync(rate));
        Assert.Equal(["expiryMonths"], await FieldsAsync(rolling));
        Assert.Equal(["expiryPolicy"], await FieldsAsync(policy));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(etag, (await api.Admin.GetAsync(path)).Headers.ETag!.Tag);
    }

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, string path, object body, string? etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body) };
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return client.SendAsync(request);
    }

    private static async Task<List<string>> FieldsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal)];
    }

    private sealed record Expiring(DateTimeOffset ExpiresAt, long Points);
}
