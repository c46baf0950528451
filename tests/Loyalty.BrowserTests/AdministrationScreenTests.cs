using System.Net;
using System.Net.Http.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.Playwright;

namespace Loyalty.BrowserTests;

/// <summary>The administration screens at /admin/administration in a real browser: API keys, users, the audit log, admins only.</summary>
public sealed class AdministrationScreenTests
{
    private const string Program = "uia";
    private const string StaffPassword = "another long staff password";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_admin_creates_a_key_sees_it_once_revokes_it_and_the_audit_log_shows_both(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await SignInAsync(page, host, BrowserHost.AdminUserName, BrowserHost.AdminPassword);

        await Navigation(page).GetByRole(AriaRole.Link, new() { Name = "Administration" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Administration", Exact = true })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "API keys" }).ClickAsync();

        // Without a role the API refuses, and its reason is shown at the roles.
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("berlin-pos");
        await page.GetByLabel("Limited to programs").FillAsync(Program);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Expect(page.Locator("#key-roles-error")).ToContainTextAsync("Give one or more of");
        await Expect(page.GetByLabel("Name", new() { Exact = true })).ToHaveValueAsync("berlin-pos");
        await Expect(page.GetByTestId("new-api-key")).ToHaveCountAsync(0);

        // The audit log pages by time: each step at its own minute.
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await page.GetByLabel("Integrator").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var shown = page.GetByTestId("new-api-key");
        await Expect(shown).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("shown only this once");
        var key = (await shown.TextContentAsync())!.Trim();
        Assert.NotEmpty(key);
        Assert.DoesNotContain(key, page.Url, StringComparison.Ordinal);
        var keys = page.GetByRole(AriaRole.Table, new() { Name = "API keys" });
        await Expect(keys.GetByRole(AriaRole.Row, new() { Name = "berlin-pos" })).ToContainTextAsync(Program);
        await Screenshots.SaveAsync(page, "admin-administration-key-created");

        using var pos = new HttpClient { BaseAddress = host.Address };
        pos.DefaultRequestHeaders.Authorization = new("Bearer", key);
        Assert.Equal(HttpStatusCode.OK, (await pos.GetAsync($"/api/members/programs/{Program}")).StatusCode);

        // Opened again, the page no longer has the key.
        await page.GotoAsync(page.Url);
        await Expect(keys.GetByRole(AriaRole.Row, new() { Name = "berlin-pos" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("new-api-key")).ToHaveCountAsync(0);
        Assert.DoesNotContain(key, await page.ContentAsync(), StringComparison.Ordinal);

        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke berlin-pos…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Revoke the API key “berlin-pos”?");
        Assert.Equal(HttpStatusCode.OK, (await pos.GetAsync($"/api/members/programs/{Program}")).StatusCode);
        await Screenshots.SaveAsync(page, "admin-administration-key-revoke");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke now" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The API key was revoked");
        await Expect(keys.GetByRole(AriaRole.Row, new() { Name = "berlin-pos" })).ToContainTextAsync("Revoked since");
        Assert.Equal(HttpStatusCode.Unauthorized, (await pos.GetAsync($"/api/members/programs/{Program}")).StatusCode);

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        var audit = page.GetByRole(AriaRole.Table, new() { Name = "Audit log" });
        await Expect(audit).ToContainTextAsync("admin.apikey.created");
        await Expect(audit).ToContainTextAsync("admin.apikey.revoked");
        await Expect(audit).ToContainTextAsync("berlin-pos");
        await page.GetByLabel("Module").FillAsync("nowhere");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page.Locator("#audit-module-error")).ToContainTextAsync("Give one of");
        await page.GetByLabel("Module").FillAsync("admin");
        await page.GetByLabel("Entries per page").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(audit.GetByRole(AriaRole.Row)).ToHaveCountAsync(3);
        await Expect(audit).ToContainTextAsync("admin.apikey.revoked");
        await page.GetByRole(AriaRole.Link, new() { Name = "Older entries" }).ClickAsync();
        await Expect(audit).Not.ToContainTextAsync("admin.apikey.revoked");
        await Expect(audit).Not.ToContainTextAsync("berlin-pos");
        await Expect(audit.GetByRole(AriaRole.Row)).ToHaveCountAsync(3);
        await page.GetByRole(AriaRole.Link, new() { Name = "Newest entries" }).ClickAsync();
        await Expect(audit).ToContainTextAsync("admin.apikey.revoked");
        await page.GetByLabel("Entries per page").FillAsync("50");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(audit).ToContainTextAsync("admin.apikey.created");
        await Screenshots.SaveAsync(page, "admin-administration-audit");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_admin_creates_a_user_who_then_signs_in_and_disables_them_after_confirming(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await SignInAsync(page, host, BrowserHost.AdminUserName, BrowserHost.AdminPassword);
        await Navigation(page).GetByRole(AriaRole.Link, new() { Name = "Administration" }).ClickAsync();

        await page.GetByLabel("User name").FillAsync("dora");
        await page.GetByLabel("Password").FillAsync(StaffPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        await Expect(page.Locator("#user-roles-error")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("User name")).ToHaveValueAsync("dora");
        await Expect(page.GetByLabel("Password")).ToHaveValueAsync(string.Empty);

        await page.GetByLabel("Password").FillAsync(StaffPassword);
        await page.GetByLabel("Data protection officer").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The user was created");
        var users = page.GetByRole(AriaRole.Table, new() { Name = "Users" });
        await Expect(users.GetByRole(AriaRole.Row, new() { Name = "dora" })).ToContainTextAsync("Data protection officer");
        Assert.DoesNotContain("dora", page.Url, StringComparison.Ordinal);
        await Screenshots.SaveAsync(page, "admin-administration-users");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await SignInAsync(page, host, "dora");
        await Expect(Navigation(page).GetByRole(AriaRole.Link, new() { Name = "GDPR requests" })).ToBeVisibleAsync();
        await Expect(Navigation(page).GetByRole(AriaRole.Link, new() { Name = "Administration" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await SignInAsync(page, host, BrowserHost.AdminUserName, BrowserHost.AdminPassword);
        await page.GotoAsync(new Uri(host.Address, "/admin/administration").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Disable dora…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Disable the user “dora”?");
        using var api = new HttpClient { BaseAddress = host.Address };
        Assert.True((await api.PostAsJsonAsync("/api/admin/auth/sign-in", new { userName = "dora", password = StaffPassword })).IsSuccessStatusCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "Disable now" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The user was disabled");
        await Expect(users.GetByRole(AriaRole.Row, new() { Name = "dora" })).ToContainTextAsync("Disabled since");
        Assert.False((await api.PostAsJsonAsync("/api/admin/auth/sign-in", new { userName = "dora", password = StaffPassword })).IsSuccessStatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_admin_changes_a_users_roles_the_users_open_session_follows_and_the_last_admin_keeps_the_admin_role(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var marketer = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await SignInAsync(marketer, host, "browser-marketer");
        await Expect(Navigation(marketer).GetByRole(AriaRole.Link, new() { Name = "GDPR requests" })).ToHaveCountAsync(0);
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await SignInAsync(page, host, BrowserHost.AdminUserName, BrowserHost.AdminPassword);
        await Navigation(page).GetByRole(AriaRole.Link, new() { Name = "Administration" }).ClickAsync();

        // The only admin taking the admin role from themselves: the API refuses, and says so at the roles.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Roles of {BrowserHost.AdminUserName}" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Change the roles of {BrowserHost.AdminUserName}" })).ToBeVisibleAsync();
        await Expect(page.Locator("#edit-role-Admin")).ToBeCheckedAsync();
        await page.Locator("#edit-role-Admin").UncheckAsync();
        await page.Locator("#edit-role-Marketer").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save roles" }).ClickAsync();
        await Expect(page.Locator("#edit-roles-error")).ToContainTextAsync("No other enabled user is an admin");
        await Expect(page.Locator("#edit-role-Marketer")).ToBeCheckedAsync();
        await Screenshots.SaveAsync(page, "admin-administration-roles-refused");
        var users = page.GetByRole(AriaRole.Table, new() { Name = "Users" });
        await Expect(users.GetByRole(AriaRole.Row, new() { Name = BrowserHost.AdminUserName })).Not.ToContainTextAsync("Marketer");

        await page.GetByRole(AriaRole.Button, new() { Name = "Roles of browser-marketer" }).ClickAsync();
        await Expect(page.Locator("#edit-role-Marketer")).ToBeCheckedAsync();
        await page.Locator("#edit-role-DataProtectionOfficer").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save roles" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The roles were saved");
        await Expect(users.GetByRole(AriaRole.Row, new() { Name = "browser-marketer" })).ToContainTextAsync("Data protection officer");

        // The marketer's open session gets the new role with the next page.
        await marketer.ReloadAsync();
        await Expect(Navigation(marketer).GetByRole(AriaRole.Link, new() { Name = "GDPR requests" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Audit log" })).ToContainTextAsync("admin.user.roles-changed");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_marketer_sees_no_administration_entry_and_the_server_refuses_the_screens(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await SignInAsync(page, host, "browser-marketer");

        await Expect(Navigation(page).GetByRole(AriaRole.Link, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await Expect(Navigation(page).GetByRole(AriaRole.Link, new() { Name = "Administration" })).ToHaveCountAsync(0);
        foreach (var path in new[] { "/admin/administration", "/admin/administration/api-keys", "/admin/administration/audit" })
        {
            var response = await page.GotoAsync(new Uri(host.Address, path).ToString());
            Assert.Equal(403, response!.Status);
            Assert.EndsWith("/admin/access-denied?ReturnUrl=" + Uri.EscapeDataString(path), response.Url, StringComparison.Ordinal);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Access denied" })).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Table)).ToHaveCountAsync(0);
        }
    }

    /// <summary>A program and a marketer.</summary>
    private static async Task SeedAsync(BrowserHost host)
    {
        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        (await admin.PostAsJsonAsync("/api/members/programs", new { code = Program, name = "Administration Screens", timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/admin/users", new { userName = "browser-marketer", password = StaffPassword, roles = new[] { Roles.Marketer } })).EnsureSuccessStatusCode();
    }

    private static Task SignInAsync(IPage page, BrowserHost host, string userName, string password = StaffPassword) =>
        host.SignInAsync(page, userName, password);

    private static ILocator Navigation(IPage page) => page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
