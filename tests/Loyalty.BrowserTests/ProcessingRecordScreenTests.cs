using System.Net.Http.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.Playwright;

namespace Loyalty.BrowserTests;

/// <summary>The record of processing activities (GDPR Art. 30) at /admin/gdpr/processing-record, for the data protection officer.</summary>
public sealed class ProcessingRecordScreenTests
{
    private const string Program = "uipr";
    private const string StaffPassword = "another long staff password";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_DPO_reads_what_each_module_holds_the_consent_purposes_by_program_and_that_no_system_receives_data(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await host.SignInAsync(page, "browser-dpo", StaffPassword);

        await Navigation(page).GetByRole(AriaRole.Link, new() { Name = "GDPR requests" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Record of processing activities" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Record of processing activities", Exact = true })).ToBeVisibleAsync();
        var activities = page.GetByRole(AriaRole.Table, new() { Name = "Processing per module" });
        var members = ModuleRow(page, activities, "members");
        await Expect(members).ToContainTextAsync("contact details");
        await Expect(members).ToContainTextAsync("running the loyalty program");
        await Expect(ModuleRow(page, activities, "consent")).ToBeVisibleAsync();
        var purpose = page.GetByRole(AriaRole.Table, new() { Name = "Consent purposes" }).GetByRole(AriaRole.Row, new() { Name = "email-marketing" });
        await Expect(purpose).ToContainTextAsync($"Record Screens ({Program})");
        await Expect(purpose).ToContainTextAsync("Newsletter by email");
        await Expect(page.GetByTestId("no-recipients")).ToHaveTextAsync("No connected system receives personal data.");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Printable version" })).ToHaveAttributeAsync("href", "/api/consent/processing-record/html");
        await Screenshots.SaveAsync(page, "admin-gdpr-processing-record", fullPage: true);

        // What the screen shows is the API's record: the same modules, in the same order.
        using var dpo = await host.ApiKeyClientAsync(Roles.DataProtectionOfficer);
        var record = await dpo.GetFromJsonAsync<Record>("/api/consent/processing-record");
        var shown = await activities.Locator("tbody th[scope=row]").AllTextContentsAsync();
        Assert.Equal(record!.Activities.Select(a => a.Module), shown.Select(s => s.Trim()));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Support_staff_are_refused_the_record(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await host.SignInAsync(page, "browser-support", StaffPassword);

        var response = await page.GotoAsync(new Uri(host.Address, "/admin/gdpr/processing-record").ToString());

        Assert.Equal(403, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Access denied" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Table)).ToHaveCountAsync(0);
    }

    /// <summary>A program with a consent purpose, a DPO and a support user.</summary>
    private static async Task SeedAsync(BrowserHost host)
    {
        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        (await admin.PostAsJsonAsync("/api/members/programs", new { code = Program, name = "Record Screens", timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/consent/programs/{Program}/purposes", new { key = "email-marketing", name = "Newsletter by email", description = "Our newsletter and offers by email." })).EnsureSuccessStatusCode();
        foreach (var (name, role) in new[] { ("browser-dpo", Roles.DataProtectionOfficer), ("browser-support", Roles.Support) })
        {
            (await admin.PostAsJsonAsync("/api/admin/users", new { userName = name, password = StaffPassword, roles = new[] { role } })).EnsureSuccessStatusCode();
        }
    }

    private static ILocator ModuleRow(IPage page, ILocator table, string module) =>
        table.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = module, Exact = true }) });

    private static ILocator Navigation(IPage page) => page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private sealed record Record(List<Activity> Activities);

    private sealed record Activity(string Module);
}
