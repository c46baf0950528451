using System.Net.Http.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.Playwright;

namespace Loyalty.BrowserTests;

/// <summary>The earning-rule screens at /admin/earning-rules in a real browser: editor, API errors at the field, activation, simulation, versions.</summary>
public sealed class EarningRuleScreenTests
{
    private const string Program = "uir-rules";
    private const string StaffPassword = "another long staff password";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_marketer_creates_a_rule_fixes_the_refused_effect_activates_it_and_simulates_a_purchase(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await SignInAsync(page, host, "browser-marketer");

        await Navigation(page).GetByRole(AriaRole.Link, new() { Name = "Earning rules" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Earning rules", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByText("This program has no earning rules yet.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "New rule" }).ClickAsync();

        // A multiplier of 500: the API refuses it, and its reason is shown at the effects, naming the field.
        await page.GetByLabel("Name").FillAsync("Double points on shoes");
        await page.GetByLabel("Priority").FillAsync("10");
        await page.GetByLabel("Conditions (JSON)").FillAsync("{ \"category\": [\"shoes\"] }");
        await page.GetByLabel("Effects (JSON)").FillAsync("{ \"multiplier\": 500 }");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await Expect(page.Locator("#effects-error")).ToContainTextAsync("effects.multiplier: Give 0 to 100");
        await Expect(page.GetByLabel("Effects (JSON)")).ToHaveAttributeAsync("aria-describedby", "effects-hint effects-error");
        await Expect(page.GetByLabel("Name")).ToHaveValueAsync("Double points on shoes");
        await Expect(page.Locator("#conditions-error")).ToBeEmptyAsync();
        await Screenshots.SaveAsync(page, "admin-rule-editor-errors", fullPage: true);

        await page.GetByLabel("Effects (JSON)").FillAsync("{ \"multiplier\": 2 }");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The rule was saved.");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Double points on shoes" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("rule-status")).ToContainTextAsync("Draft");

        // Activating asks first; nothing changes until it is confirmed.
        await page.GetByRole(AriaRole.Link, new() { Name = "Activate…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Activate “Double points on shoes” (version 1)?" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("rule-status")).ToContainTextAsync("Draft");
        await Screenshots.SaveAsync(page, "admin-rule-activate");
        await page.GetByRole(AriaRole.Button, new() { Name = "Activate rule" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The rule is active");
        await Expect(page.GetByTestId("rule-status")).ToContainTextAsync("Active");

        // The seeded purchase of yesterday, 50 EUR of shoes, replayed: the rule doubles the base of 50. Nothing is written.
        await page.GetByLabel("Days back (1-90)").FillAsync("7");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run dry run" }).ClickAsync();
        await Expect(page.GetByTestId("dry-run-result")).ToHaveTextAsync("This rule would have given 50 points (members: 1, purchases: 1; 1 purchases of the last 7 days replayed).");
        await Screenshots.SaveAsync(page, "admin-rule-dry-run", fullPage: true);
        await page.GetByLabel("Days back (1-90)").FillAsync("91");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run dry run" }).ClickAsync();
        await Expect(page.Locator("#dry-run-days-error")).ToContainTextAsync("90");
        await Expect(page.GetByTestId("dry-run-result")).ToHaveCountAsync(0);

        // 50 EUR of shoes at 1 point per euro, doubled, and 10 EUR of socks at the base rate: 110 points.
        await page.GetByRole(AriaRole.Link, new() { Name = "Simulate a purchase" }).ClickAsync();
        await page.GetByLabel("SKU, line 1").FillAsync("runner-42");
        await page.GetByLabel("Category, line 1").FillAsync("shoes");
        await page.GetByLabel("Amount in EUR, line 1").FillAsync("50.00");
        await page.GetByLabel("SKU, line 2").FillAsync("socks-3");
        await page.GetByLabel("Category, line 2").FillAsync("apparel");
        await page.GetByLabel("Amount in EUR, line 2").FillAsync("10.00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Simulate", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("simulated-points")).ToHaveTextAsync("110 points");
        await Expect(page.GetByText("Base rate: 60 points")).ToBeVisibleAsync();
        await Expect(page.GetByText("Per line: 100 + 10")).ToBeVisibleAsync();
        var breakdown = page.GetByRole(AriaRole.Table, new() { Name = "Breakdown by rule" });
        await Expect(breakdown.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Expect(breakdown).ToContainTextAsync("Double points on shoes");
        await Expect(breakdown).ToContainTextAsync("Applied");
        await Expect(breakdown).ToContainTextAsync("+50");
        await Screenshots.SaveAsync(page, "admin-rule-simulate", fullPage: true);

        // Changing the active rule adds version 2; the history keeps version 1.
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the rules" }).ClickAsync();
        var rules = page.GetByRole(AriaRole.Table, new() { Name = "Earning rules of Rule Screens" });
        await Expect(rules.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Expect(rules).ToContainTextAsync("Active");
        await Screenshots.SaveAsync(page, "admin-rules");
        await rules.GetByRole(AriaRole.Link, new() { Name = "Double points on shoes" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit", Exact = true }).ClickAsync();
        await Expect(page.GetByLabel("Effects (JSON)")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("\"multiplier\": 2"));
        await page.GetByLabel("Priority").FillAsync("20");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The rule was saved.");
        await Expect(page.GetByTestId("rule-status")).ToContainTextAsync("version 2, priority 20");
        var history = page.GetByRole(AriaRole.Table, new() { Name = "Version history" });
        await Expect(history.GetByRole(AriaRole.Row)).ToHaveCountAsync(3);
        await Expect(history).ToContainTextAsync("browser-marketer");
        await Screenshots.SaveAsync(page, "admin-rule-detail", fullPage: true);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Support_sees_rules_and_may_simulate_but_is_offered_no_editor_and_refused_it(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await SignInAsync(page, host, "browser-support");

        await Navigation(page).GetByRole(AriaRole.Link, new() { Name = "Earning rules" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Simulate a purchase" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "New rule" })).ToHaveCountAsync(0);
        var path = $"/admin/earning-rules/{Program}/new";
        var response = await page.GotoAsync(new Uri(host.Address, path).ToString());
        Assert.Equal(403, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Access denied" })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Effects (JSON)")).ToHaveCountAsync(0);
    }

    private static async Task SeedAsync(BrowserHost host)
    {
        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        (await admin.PostAsJsonAsync("/api/members/programs", new { code = Program, name = "Rule Screens", timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();
        foreach (var (name, role) in new[] { ("browser-support", Roles.Support), ("browser-marketer", Roles.Marketer) })
        {
            (await admin.PostAsJsonAsync("/api/admin/users", new { userName = name, password = StaffPassword, roles = new[] { role } })).EnsureSuccessStatusCode();
        }

        using var integrator = await host.ApiKeyClientAsync(Roles.Integrator);
        var enrolled = await integrator.PostAsJsonAsync($"/api/members/programs/{Program}/members", new { email = "ada@example.com", externalId = "uir-1", channel = "web" });
        Assert.True(enrolled.IsSuccessStatusCode, await enrolled.Content.ReadAsStringAsync());
        var member = (await enrolled.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
        var bought = await integrator.PostAsJsonAsync($"/api/members/programs/{Program}/transactions", new
        {
            externalId = "T-1", memberId = member, occurredAt = host.Clock.GetUtcNow().AddDays(-1), currency = "EUR", total = 5000, channel = "pos",
            lines = new[] { new { sku = "runner-42", category = "shoes", quantity = 1, unitPrice = 5000 } },
        });
        Assert.True(bought.IsSuccessStatusCode, await bought.Content.ReadAsStringAsync());
    }

    private static Task SignInAsync(IPage page, BrowserHost host, string userName) =>
        host.SignInAsync(page, userName, StaffPassword);

    private static ILocator Navigation(IPage page) => page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
