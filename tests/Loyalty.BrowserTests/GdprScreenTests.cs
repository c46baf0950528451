using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.Playwright;

namespace Loyalty.BrowserTests;

/// <summary>The GDPR screens at /admin/gdpr in a real browser, as the data protection officer.</summary>
public sealed class GdprScreenTests
{
    private const string Program = "gdpr";
    private const string StaffPassword = "another long staff password";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_DPO_files_an_access_request_downloads_the_export_then_confirms_an_erasure_and_the_member_is_anonymised(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        var memberId = await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await SignInAsync(browser, host);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "GDPR requests" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "GDPR requests" })).ToBeVisibleAsync();
        await Expect(page.GetByText("No requests.")).ToBeVisibleAsync();

        // Filing without saying how the identity was verified: the API's reason at the field, nothing filed.
        await page.GetByRole(AriaRole.Link, new() { Name = "File a request" }).ClickAsync();
        await page.GetByLabel("Member id").FillAsync(memberId.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "File request" }).ClickAsync();
        await Expect(page.Locator("#verification-error")).ToContainTextAsync("Required.");
        await Expect(page.GetByLabel("Member id")).ToHaveValueAsync(memberId.ToString());
        await Screenshots.SaveAsync(page, "admin-gdpr-file-refused");

        await page.GetByLabel("How the identity was verified").FillAsync("Replied from the email address registered with her account");
        await page.GetByRole(AriaRole.Button, new() { Name = "File request" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Access request" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The request was filed.");
        await Expect(page.GetByTestId("request-status")).ToHaveTextAsync("Received");
        await Expect(page.GetByTestId("request-subject")).ToHaveTextAsync($"member {memberId}");

        await page.GetByRole(AriaRole.Button, new() { Name = "Run export" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The export ran");
        await Expect(page.GetByTestId("request-status")).ToHaveTextAsync("Completed");
        var steps = page.GetByRole(AriaRole.Table, new() { Name = "Steps per module and recipient" });
        await Expect(steps.GetByRole(AriaRole.Row, new() { Name = "Export members done" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("archive")).ToContainTextAsync("is ready");

        await page.GetByRole(AriaRole.Button, new() { Name = "Create download link" }).ClickAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download the archive" }).ClickAsync());
        Assert.Matches("^personal-data-[0-9a-f]{32}\\.zip$", download.SuggestedFilename);
        var archive = await download.PathAsync();
        Assert.True(new FileInfo(archive).Length > 0);
        using (var zip = ZipFile.OpenRead(archive))
        {
            Assert.Contains(zip.Entries, e => e.FullName == "manifest.json");
            var members = zip.GetEntry("members.json");
            Assert.NotNull(members);
            using var reader = new StreamReader(members.Open());
            Assert.Contains("grace@example.com", await reader.ReadToEndAsync(), StringComparison.Ordinal);
        }

        await page.GotoAsync(page.Url);
        await Expect(page.GetByTestId("archive")).ToContainTextAsync("downloaded");
        await Expect(page.GetByTestId("archive")).ToContainTextAsync("user:browser-dpo");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create download link" })).ToHaveCountAsync(0);
        var audit = page.GetByRole(AriaRole.Table, new() { Name = "Audit trail" });
        await Expect(audit).ToContainTextAsync("consent.request.filed");
        await Expect(audit).ToContainTextAsync("consent.request.exported");
        await Expect(audit).ToContainTextAsync("consent.export.downloaded");
        await Expect(audit).Not.ToContainTextAsync("grace@example.com");
        await Screenshots.SaveAsync(page, "admin-gdpr-export", fullPage: true);

        // The erasure: one click shows what will happen, the second erases.
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the requests" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "File a request" }).ClickAsync();
        await page.GetByLabel("Type").SelectOptionAsync("erasure");
        await page.GetByLabel("Member id").FillAsync(memberId.ToString());
        await page.GetByLabel("How the identity was verified").FillAsync("Signed letter matched to the registered address");
        await page.GetByRole(AriaRole.Button, new() { Name = "File request" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Erasure request" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Erase member…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync($"Erase member {memberId} now?");
        await Expect(page.GetByTestId("request-status")).ToHaveTextAsync("Received");
        await Screenshots.SaveAsync(page, "admin-gdpr-erasure-confirm");
        using (var admin = await host.ApiKeyClientAsync(Roles.Admin))
        {
            Assert.Equal("grace@example.com", (await MemberAsync(admin, memberId)).GetProperty("email").GetString());
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Erase now" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The erasure ran");
        await Expect(page.GetByTestId("request-status")).ToHaveTextAsync("Completed");
        var erasure = page.GetByRole(AriaRole.Table, new() { Name = "Steps per module and recipient" });
        await Expect(erasure.GetByRole(AriaRole.Row, new() { Name = "Erasure members done" })).ToContainTextAsync("+ profile: email, phone, name");
        await Expect(erasure.GetByRole(AriaRole.Row, new() { Name = "Erasure members done" })).ToContainTextAsync("= ");
        // No CRM connection holds the member: the CRM recipient says so, per connection when there are some.
        await Expect(erasure.GetByRole(AriaRole.Row, new() { Name = "Recipient crm connections not applicable" })).ToContainTextAsync("no connection");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Erase member…" })).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(page, "admin-gdpr-erased", fullPage: true);

        using (var admin = await host.ApiKeyClientAsync(Roles.Admin))
        {
            var member = await MemberAsync(admin, memberId);
            Assert.Equal(JsonValueKind.Null, member.GetProperty("email").ValueKind);
            Assert.Equal(JsonValueKind.Null, member.GetProperty("firstName").ValueKind);
            Assert.Empty(member.GetProperty("identifiers").EnumerateArray());
        }

        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the requests" }).ClickAsync();
        await Expect(page.GetByText("No requests.")).ToBeVisibleAsync();
        await page.GetByLabel("Show completed and rejected requests too").ClickAsync();
        var queue = page.GetByRole(AriaRole.Table, new() { Name = "GDPR requests" });
        await Expect(queue.GetByRole(AriaRole.Row)).ToHaveCountAsync(3);
        await Expect(queue).ToContainTextAsync("Access");
        await Expect(queue).ToContainTextAsync("Erasure");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_queue_lists_the_earliest_due_first_marks_the_overdue_one_and_is_not_shown_to_support(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        var memberId = await SeedAsync(host);
        using (var admin = await host.ApiKeyClientAsync(Roles.Admin))
        {
            (await admin.PostAsJsonAsync("/api/consent/requests", new { type = "objection", memberId, verification = "Shop account" })).EnsureSuccessStatusCode();
            host.Clock.Advance(TimeSpan.FromDays(35));
            (await admin.PostAsJsonAsync("/api/consent/requests", new { type = "access", email = "ada@example.com", verification = "Registered address" })).EnsureSuccessStatusCode();
        }

        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await SignInAsync(browser, host);
        await page.GotoAsync(new Uri(host.Address, "/admin/gdpr").ToString());
        var rows = page.GetByRole(AriaRole.Table, new() { Name = "GDPR requests" }).GetByRole(AriaRole.Row);
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(rows.Nth(1)).ToContainTextAsync("2026-12-02");
        await Expect(rows.Nth(1)).ToContainTextAsync("Objection");
        await Expect(rows.Nth(1)).ToContainTextAsync("overdue");
        await Expect(rows.Nth(2)).ToContainTextAsync("2027-01-07");
        await Expect(rows.Nth(2)).ToContainTextAsync("contact only, not matched");
        await Expect(rows.Nth(2)).Not.ToContainTextAsync("overdue");
        await Expect(rows.Nth(2)).Not.ToContainTextAsync("ada@example.com");
        await Screenshots.SaveAsync(page, "admin-gdpr-queue");

        var support = await SignInAsync(browser, host, "browser-support");
        await Expect(support.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "GDPR requests" })).ToHaveCountAsync(0);
        var refused = await support.GotoAsync(new Uri(host.Address, "/admin/gdpr").ToString());
        Assert.Equal(403, refused!.Status);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_DPO_runs_the_retention_dry_run_is_told_a_period_out_of_range_at_the_field_and_turns_a_policy_on_after_confirming(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await SignInAsync(browser, host);
        await page.GotoAsync(new Uri(host.Address, "/admin/gdpr").ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "Retention policies" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Retention policies" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Run dry run" }).ClickAsync();
        var dryRun = page.GetByRole(AriaRole.Table, new() { Name = "Dry run" });
        await Expect(dryRun.GetByRole(AriaRole.Row, new() { Name = "members.inactive-members 1095 off" })).ToBeVisibleAsync();

        var period = page.GetByLabel("Period in days of members.inactive-members");
        await period.FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Review changes" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("members.inactive-members: 0 days, off");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save policies" }).ClickAsync();
        var error = page.Locator($"#{await period.GetAttributeAsync("aria-describedby")}");
        await Expect(error).ToContainTextAsync("Give a whole number of days from 1 to 36500.");
        await Expect(period).ToHaveValueAsync("0");

        await period.FillAsync("730");
        await page.GetByLabel("Enforce members.inactive-members").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Review changes" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("members.inactive-members: 730 days, on");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save policies" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The retention policies were saved.");
        await Expect(page.GetByLabel("Period in days of members.inactive-members")).ToHaveValueAsync("730");
        await Expect(page.GetByLabel("Enforce members.inactive-members")).ToBeCheckedAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Retention policies" })).ToContainTextAsync("user:browser-dpo");
        await Screenshots.SaveAsync(page, "admin-gdpr-retention", fullPage: true);

        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        var policies = (await admin.GetFromJsonAsync<List<JsonElement>>("/api/consent/retention-policies"))!;
        var members = policies.Single(p => p.GetProperty("key").GetString() == "members.inactive-members");
        Assert.Equal((730, true), (members.GetProperty("periodDays").GetInt32(), members.GetProperty("enabled").GetBoolean()));
        Assert.All(policies.Where(p => p.GetProperty("key").GetString() != "members.inactive-members"), p => Assert.True(p.GetProperty("isDefault").GetBoolean()));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_DPO_sees_the_program_consent_purposes_with_their_latest_texts(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        using (var admin = await host.ApiKeyClientAsync(Roles.Admin))
        {
            var purposes = $"/api/consent/programs/{Program}/purposes";
            (await admin.PostAsJsonAsync(purposes, new { key = "email-marketing", name = "Newsletter by email", description = "Our newsletter and offers by email." })).EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync($"{purposes}/email-marketing/versions", new { texts = new Dictionary<string, string> { ["en"] = "Yes, send me the newsletter." }, materialChange = true })).EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync($"{purposes}/email-marketing/versions", new { texts = new Dictionary<string, string> { ["en"] = "Yes, send me the newsletter and offers.", ["de"] = "Ja, schickt mir den Newsletter." }, materialChange = false })).EnsureSuccessStatusCode();
        }

        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await SignInAsync(browser, host);
        await page.GotoAsync(new Uri(host.Address, "/admin/gdpr").ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "Consent purposes" }).ClickAsync();

        var row = page.GetByRole(AriaRole.Table, new() { Name = "Consent purposes" }).GetByRole(AriaRole.Row, new() { Name = "email-marketing" });
        await Expect(row).ToContainTextAsync("Newsletter by email");
        await Expect(row).ToContainTextAsync("de: Ja, schickt mir den Newsletter.");
        await Expect(row).ToContainTextAsync("en: Yes, send me the newsletter and offers.");
        await Expect(row).Not.ToContainTextAsync("Yes, send me the newsletter.");
        await Expect(row.GetByRole(AriaRole.Cell).Nth(2)).ToContainTextAsync("2");
        await Expect(row.GetByRole(AriaRole.Cell).Nth(3)).ToHaveTextAsync("1");
        await Screenshots.SaveAsync(page, "admin-gdpr-purposes");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_DPO_creates_a_purpose_and_publishes_text_versions_after_confirming_with_the_API_reasons_at_the_fields(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await SignInAsync(browser, host);
        await page.GotoAsync(new Uri(host.Address, "/admin/gdpr/purposes").ToString());
        await Expect(page.GetByText("Create a purpose first.")).ToBeVisibleAsync();

        // A key in capitals and no description: the API's reasons at both fields, the name kept.
        await page.GetByLabel("Key (lower-case words joined by hyphens)").FillAsync("Email Marketing");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Newsletter by email");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create purpose" }).ClickAsync();
        await Expect(page.Locator("#purpose-key-error")).ToContainTextAsync("lower-case words joined by hyphens");
        await Expect(page.Locator("#purpose-description-error")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Name", new() { Exact = true })).ToHaveValueAsync("Newsletter by email");
        await page.GetByLabel("Key (lower-case words joined by hyphens)").FillAsync("email-marketing");
        await page.GetByLabel("Description").FillAsync("Our newsletter and offers by email.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create purpose" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The purpose email-marketing was created.");
        var row = page.GetByRole(AriaRole.Table, new() { Name = "Consent purposes" }).GetByRole(AriaRole.Row, new() { Name = "email-marketing" });
        await Expect(row.GetByRole(AriaRole.Cell).Nth(2)).ToHaveTextAsync("0");

        // A language tag the API refuses: shown at that text after the confirmation, nothing published, the input kept.
        await page.GetByLabel("Consent text 1").FillAsync("Yes, send me the newsletter.");
        await page.GetByLabel("Language 2").FillAsync("de_DE!");
        await page.GetByLabel("Consent text 2").FillAsync("Ja, schickt mir den Newsletter.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Review version…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Publish version 1 of “Newsletter by email”?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish now" }).ClickAsync();
        await Expect(page.Locator("#text-1-error")).ToHaveTextAsync("Not a language tag such as en or de-AT.");
        await Expect(page.GetByLabel("Consent text 1")).ToHaveValueAsync("Yes, send me the newsletter.");
        await Expect(row.GetByRole(AriaRole.Cell).Nth(2)).ToHaveTextAsync("0");

        // Cancel on the confirmation publishes nothing.
        await page.GetByLabel("Language 2").FillAsync("de");
        await page.GetByRole(AriaRole.Button, new() { Name = "Review version…" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();
        await Expect(row.GetByRole(AriaRole.Cell).Nth(2)).ToHaveTextAsync("0");

        await page.GetByLabel("Consent text 1").FillAsync("Yes, send me the newsletter.");
        await page.GetByLabel("Consent text 2").FillAsync("Ja, schickt mir den Newsletter.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Review version…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("It is a material change");
        await Screenshots.SaveAsync(page, "admin-gdpr-version-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish now" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("A new text version of email-marketing was published.");
        await Expect(row.GetByRole(AriaRole.Cell).Nth(2)).ToContainTextAsync("1");
        await Expect(row).ToContainTextAsync("de: Ja, schickt mir den Newsletter.");

        // A wording fix that is not a material change: version 2, consents to version 1 keep counting.
        await page.GetByLabel("Consent text 1").FillAsync("Yes, please send me the newsletter.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Review version…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("It is not a material change");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish now" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("A new text version of email-marketing was published.");
        await Expect(row.GetByRole(AriaRole.Cell).Nth(2)).ToContainTextAsync("2");
        await Expect(row.GetByRole(AriaRole.Cell).Nth(3)).ToHaveTextAsync("1");
        await Expect(row).ToContainTextAsync("en: Yes, please send me the newsletter.");
        await Screenshots.SaveAsync(page, "admin-gdpr-purposes-edit", fullPage: true);
    }

    /// <summary>A program, a member with a purchase, a DPO and a support user; answers the member's id.</summary>
    private static async Task<Guid> SeedAsync(BrowserHost host)
    {
        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        using var integrator = await host.ApiKeyClientAsync(Roles.Integrator);
        (await admin.PostAsJsonAsync("/api/members/programs", new { code = Program, name = "GDPR", timeZone = "Europe/Berlin", currency = "EUR", pendingDays = 0 })).EnsureSuccessStatusCode();
        var enrolled = await integrator.PostAsJsonAsync($"/api/members/programs/{Program}/members", new
        {
            email = "grace@example.com", firstName = "Grace", lastName = "Hopper", cardNumber = "C-1906", channel = "web",
        });
        enrolled.EnsureSuccessStatusCode();
        var memberId = (await enrolled.Content.ReadFromJsonAsync<Enrolled>())!.Id;
        (await integrator.PostAsJsonAsync($"/api/members/programs/{Program}/transactions", new
        {
            externalId = "T-1", memberId, occurredAt = host.Clock.GetUtcNow(), currency = "EUR", total = 2_500L, channel = "pos",
            lines = new[] { new { sku = "latte", quantity = 1, unitPrice = 2_500L } },
        })).EnsureSuccessStatusCode();
        foreach (var (name, role) in new[] { ("browser-dpo", Roles.DataProtectionOfficer), ("browser-support", Roles.Support) })
        {
            (await admin.PostAsJsonAsync("/api/admin/users", new { userName = name, password = StaffPassword, roles = new[] { role } })).EnsureSuccessStatusCode();
        }

        return memberId;
    }

    private static async Task<JsonElement> MemberAsync(HttpClient admin, Guid memberId) =>
        await admin.GetFromJsonAsync<JsonElement>($"/api/members/programs/{Program}/members/{memberId}");

    private static async Task<IPage> SignInAsync(IBrowser browser, BrowserHost host, string userName = "browser-dpo")
    {
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB", ViewportSize = new() { Width = 1280, Height = 900 } })).NewPageAsync();
        await host.SignInAsync(page, userName, StaffPassword);
        return page;
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private sealed record Enrolled(Guid Id);
}
