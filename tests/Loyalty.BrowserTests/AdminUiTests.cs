using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using Microsoft.Playwright;

namespace Loyalty.BrowserTests;

/// <summary>The admin web UI at /admin in a real browser: signing in and out, a wrong password, German texts.</summary>
public sealed class AdminUiTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_admin_is_sent_to_sign_in_signs_in_sees_the_dashboard_and_signs_out(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();

        await page.GotoAsync(new Uri(host.Address, "/admin").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        // MudBlazor's style sheet is served to a browser that is not signed in (it was once redirected to sign-in).
        Assert.True(await page.EvaluateAsync<bool>("[...document.styleSheets].some(s => s.href?.includes('MudBlazor') && s.cssRules.length > 100)"), "MudBlazor's style sheet did not load.");
        await Screenshots.SaveAsync(page, "admin-sign-in");
        await page.GetByLabel("User name").FillAsync(BrowserHost.AdminUserName);
        await page.GetByLabel("Password").FillAsync(BrowserHost.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await Expect(page.GetByText($"Signed in as {BrowserHost.AdminUserName}.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "admin-dashboard");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.GotoAsync(new Uri(host.Address, "/admin").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_wrong_password_is_refused_with_a_message_and_the_password_is_not_kept(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();

        await page.GotoAsync(new Uri(host.Address, "/admin/sign-in").ToString());
        await page.GetByLabel("User name").FillAsync(BrowserHost.AdminUserName);
        await page.GetByLabel("Password").FillAsync("not the password at all");
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The user name or password is wrong");
        await Expect(page.GetByLabel("Password")).ToHaveValueAsync(string.Empty);
        await Screenshots.SaveAsync(page, "admin-sign-in-failed");
        var response = await page.GotoAsync(new Uri(host.Address, "/admin").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.EndsWith("/admin/sign-in?ReturnUrl=%2Fadmin", response!.Url, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_German_browser_gets_German_texts_and_the_switch_changes_the_language(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "de-DE" })).NewPageAsync();

        await page.GotoAsync(new Uri(host.Address, "/admin/sign-in").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Anmelden" })).ToBeVisibleAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "de");
        await page.GetByLabel("Benutzername").FillAsync(BrowserHost.AdminUserName);
        await page.GetByLabel("Passwort").FillAsync(BrowserHost.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmelden" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Übersicht" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "admin-dashboard-de");

        await page.GetByLabel("Sprache").SelectOptionAsync("en");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
