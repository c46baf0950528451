using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Loyalty.Host.Tests.Campaigns;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Consent;

/// <summary>
/// Retention policies: the DPO sets each category's period, a dry run counts what is due without changing anything,
/// and the daily job deletes delivery logs and export archives and anonymises inactive members through the erasure
/// path, once: a second run finds nothing left.
/// </summary>
public sealed class RetentionPolicyTests : IDisposable
{
    private const string Policies = "/api/consent/retention-policies";

    private readonly string _exports = Path.Combine(Path.GetTempPath(), $"loyalty-exports-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_exports))
        {
            Directory.Delete(_exports, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_job_applies_each_policy_once_what_the_dry_run_counted_and_the_record_shows_the_periods(DatabaseProvider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await LoyaltyHost.StartAsync(provider, new Dictionary<string, string?>(smtp.Settings)
        {
            ["Modules:Consent:ExportDirectory"] = _exports,
        }, schedulerHeld: true);
        var api = await SmtpCampaignTests.SetUpAsync(host);
        var dpo = await host.ApiKeyClientAsync(Roles.DataProtectionOfficer);
        var start = host.Clock.GetUtcNow();
        var ada = await SmtpCampaignTests.EnrollAsync(api, "ada@example.com", "Ada", "en");
        var bert = await SmtpCampaignTests.EnrollAsync(api, "bert@example.com", "Bert", "en");
        var campaign = await SmtpCampaignTests.CreateAsync(api, SmtpCampaignTests.Simple("<p>News</p>"));
        await SmtpCampaignTests.ScheduleAsync(api, campaign, start);
        await SmtpCampaignTests.SendDueCampaignsAsync(host, api);
        Assert.Equal(2, (await SmtpCampaignTests.MessagesAsync(api, campaign)).Count);
        var access = await FileAsync(dpo, new { type = "access", memberId = ada, verification = "Signed in to the shop account" });
        Assert.Equal(HttpStatusCode.OK, (await dpo.PostAsync($"/api/consent/requests/{access}/export", null)).StatusCode);

        var defaults = await dpo.GetFromJsonAsync<JsonElement>(Policies);
        Assert.Equal(
            [("campaigns.delivery-logs", 365), ("consent.export-archives", 30), ("members.inactive-members", 1095)],
            defaults.EnumerateArray().Select(p => (p.GetProperty("key").GetString(), p.GetProperty("periodDays").GetInt32())));
        Assert.All(defaults.EnumerateArray(), p => Assert.True(p.GetProperty("isDefault").GetBoolean() && !p.GetProperty("enabled").GetBoolean()));

        var invalid = await dpo.PutAsJsonAsync(Policies, new { policies = new object[] { new { key = "campaigns.delivery-logs", periodDays = 0 }, new { key = "members.everything", periodDays = 10 } } });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("policies[0].periodDays", out _));
        Assert.True(errors.TryGetProperty("policies[1].key", out _));
        Assert.False(errors.TryGetProperty("policies[0].key", out _));

        var set = await dpo.PutAsJsonAsync(Policies, new { policies = new[] { new { key = "members.inactive-members", periodDays = 730 } } });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var inactive = (await set.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Single(p => p.GetProperty("key").GetString() == "members.inactive-members");
        Assert.Equal((730, false, false), (inactive.GetProperty("periodDays").GetInt32(), inactive.GetProperty("isDefault").GetBoolean(), inactive.GetProperty("enabled").GetBoolean()));

        host.Clock.SetUtcNow(start.AddDays(20));
        Assert.Equal(new Dictionary<string, int> { ["campaigns.delivery-logs"] = 0, ["consent.export-archives"] = 0, ["members.inactive-members"] = 0 }, await DueAsync(dpo));

        // Bert buys something half a year later; Ada does nothing after her enrolment.
        host.Clock.SetUtcNow(start.AddDays(200));
        (await api.Members.PurchaseAsync("order-1", bert, 2500, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();

        host.Clock.SetUtcNow(start.AddDays(731));
        var due = new Dictionary<string, int> { ["campaigns.delivery-logs"] = 2, ["consent.export-archives"] = 1, ["members.inactive-members"] = 1 };
        Assert.Equal(due, await DueAsync(dpo));
        Assert.Equal(due, await DueAsync(dpo)); // the dry run changed nothing
        Assert.Equal(2, (await SmtpCampaignTests.MessagesAsync(api, campaign)).Count);

        // Nothing is enforced until the DPO turns the policies on.
        await host.RunJobAsync("consent", "ApplyRetentionPoliciesJob");
        Assert.Equal(due, await DueAsync(dpo));
        Assert.Equal("active", await StatusAsync(api.Admin, api.Members.Members, ada), ignoreCase: true);
        var enable = await dpo.PutAsJsonAsync(Policies, new
        {
            policies = new object[]
            {
                new { key = "campaigns.delivery-logs", enabled = true }, new { key = "consent.export-archives", enabled = true },
                new { key = "members.inactive-members", enabled = true },
            },
        });
        Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        var enabled = await enable.Content.ReadFromJsonAsync<JsonElement>();
        Assert.All(enabled.EnumerateArray(), p => Assert.True(p.GetProperty("enabled").GetBoolean()));
        Assert.Equal(730, enabled.EnumerateArray().Single(p => p.GetProperty("key").GetString() == "members.inactive-members").GetProperty("periodDays").GetInt32());

        await host.RunJobAsync("consent", "ApplyRetentionPoliciesJob");
        await host.RunJobAsync("consent", "ApplyRetentionPoliciesJob");

        Assert.Equal(new Dictionary<string, int> { ["campaigns.delivery-logs"] = 0, ["consent.export-archives"] = 0, ["members.inactive-members"] = 0 }, await DueAsync(dpo));
        Assert.Empty(await SmtpCampaignTests.MessagesAsync(api, campaign));
        Assert.Equal(HttpStatusCode.Gone, (await dpo.PostAsync($"/api/consent/requests/{access}/export/link", null)).StatusCode);
        Assert.Empty(Directory.GetFiles(_exports));
        Assert.Equal("erased", await StatusAsync(api.Admin, api.Members.Members, ada), ignoreCase: true);
        Assert.Equal("active", await StatusAsync(api.Admin, api.Members.Members, bert), ignoreCase: true);

        // Anonymised through an erasure request on the policy's basis, shown in the work queue; the person is not suppressed.
        var requests = await dpo.GetFromJsonAsync<JsonElement>("/api/consent/requests?includeClosed=true");
        var erasure = requests.EnumerateArray().Single(r => r.GetProperty("type").GetString() == "erasure");
        Assert.Equal(ada, erasure.GetProperty("memberId").GetGuid());
        Assert.Equal("retention:members.inactive-members", erasure.GetProperty("filedBy").GetString());
        Assert.Equal("completed", erasure.GetProperty("status").GetString());
        Assert.Contains("Art. 5(1)(e)", erasure.GetProperty("verification").GetString(), StringComparison.Ordinal);
        var again = await api.Pos.PostAsJsonAsync(api.Members.Members, new { externalId = "ada-again", email = "ada@example.com", channel = "web" });
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);

        var audit = await api.Admin.GetFromJsonAsync<JsonElement>("/api/admin/audit?module=consent&limit=200");
        var runs = audit.EnumerateArray().Where(e => e.GetProperty("action").GetString() == "consent.retention.applied").ToList();
        Assert.Equal(3, runs.Count);
        Assert.Equal(4, audit.EnumerateArray().Count(e => e.GetProperty("action").GetString() == "consent.retention.policy-changed"));
        var applied = runs.Select(e => JsonDocument.Parse(e.GetProperty("details").GetString()!).RootElement.GetProperty("categories").EnumerateArray()
            .ToDictionary(c => c.GetProperty("category").GetString()!, c => c.GetProperty("applied").GetInt32())).ToList();
        Assert.Contains(due, applied);
        Assert.Contains([], applied);
        Assert.Contains(new Dictionary<string, int> { ["campaigns.delivery-logs"] = 0, ["consent.export-archives"] = 0, ["members.inactive-members"] = 0 }, applied);
        Assert.DoesNotContain("ada@example.com", audit.ToString(), StringComparison.Ordinal);

        var record = await dpo.GetFromJsonAsync<JsonElement>("/api/consent/processing-record");
        var members = record.GetProperty("activities").EnumerateArray().Single(a => a.GetProperty("module").GetString() == "members");
        var policy = Assert.Single(members.GetProperty("retentionPolicies").EnumerateArray());
        Assert.Equal(730, policy.GetProperty("periodDays").GetInt32());
        var html = await dpo.GetStringAsync("/api/consent/processing-record/html");
        Assert.Contains("campaign delivery logs: 365 days", html, StringComparison.Ordinal);
    }

    private static async Task<Dictionary<string, int>> DueAsync(HttpClient dpo)
    {
        var response = await dpo.PostAsync($"{Policies}/dry-run", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("categories").EnumerateArray()
            .ToDictionary(c => c.GetProperty("key").GetString()!, c => c.GetProperty("due").GetInt32());
    }

    private static async Task<string?> StatusAsync(HttpClient admin, string members, Guid member) =>
        (await admin.GetFromJsonAsync<JsonElement>($"{members}/{member}")).GetProperty("status").GetString();

    private static async Task<Guid> FileAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/consent/requests", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
