using System.Net.Http.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.Playwright;

namespace Loyalty.BrowserTests;

/// <summary>The member screens at /admin/members in a real browser: search, detail, a points adjustment, role-aware navigation.</summary>
public sealed class MemberScreenTests
{
    private const string Program = "uim";
    private const string StaffPassword = "another long staff password";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Support_finds_a_member_is_told_the_reason_is_missing_confirms_an_adjustment_and_sees_it_in_the_ledger(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await SignInAsync(page, host, "browser-support");

        await Navigation(page).GetByRole(AriaRole.Link, new() { Name = "Members" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Members", Exact = true })).ToBeVisibleAsync();
        await page.GetByLabel("Email").FillAsync("grace@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var results = page.GetByRole(AriaRole.Table, new() { Name = "Results" });
        await Expect(results.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Expect(results).ToContainTextAsync("C-777");
        Assert.DoesNotContain("grace", page.Url, StringComparison.OrdinalIgnoreCase);
        await Screenshots.SaveAsync(page, "admin-members-search");

        await results.GetByRole(AriaRole.Link, new() { Name = "Grace Hopper" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Grace Hopper" })).ToBeVisibleAsync();
        await Expect(page.GetByText("card: C-777")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("balance-points")).ToHaveTextAsync("points: 0 available, 0 pending");

        // An empty reason: confirmed, then refused by the API, with its reason at the field and nothing booked.
        await page.GetByLabel("Points").FillAsync("150");
        await page.GetByRole(AriaRole.Button, new() { Name = "Review adjustment" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply adjustment" }).ClickAsync();
        await Expect(page.Locator("#reason-error")).ToContainTextAsync("Say why");
        await Expect(page.GetByLabel("Reason")).ToHaveAttributeAsync("aria-describedby", "reason-error");
        await Expect(page.GetByLabel("Points")).ToHaveValueAsync("150");
        await Expect(page.GetByText("No ledger entries.")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "admin-member-adjust-refused");

        await page.GetByLabel("Reason").FillAsync("Goodwill: coffee machine was broken");
        await page.GetByRole(AriaRole.Button, new() { Name = "Review adjustment" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Apply 150 points with the reason “Goodwill: coffee machine was broken”?");
        Assert.Equal(0, await page.GetByLabel("Reason").CountAsync());
        await Screenshots.SaveAsync(page, "admin-member-adjust-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply adjustment" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The adjustment was applied.");
        var ledger = page.GetByRole(AriaRole.Table, new() { Name = "Ledger" });
        await Expect(ledger.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Expect(ledger).ToContainTextAsync("Adjustment");
        await Expect(ledger).ToContainTextAsync("+150");
        await Expect(ledger).ToContainTextAsync("Goodwill: coffee machine was broken");
        await Expect(page.GetByTestId("balance-points")).ToHaveTextAsync("points: 150 available, 0 pending");
        Assert.DoesNotContain("grace", page.Url, StringComparison.OrdinalIgnoreCase);
        await Screenshots.SaveAsync(page, "admin-member-detail");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_ledger_pages_back_through_older_entries(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        var memberId = await SeedAsync(host);
        using var support = await host.ApiKeyClientAsync(Roles.Support);
        for (var i = 1; i <= 25; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/members/programs/{Program}/members/{memberId}/adjustments")
            {
                Content = JsonContent.Create(new { points = i, reason = $"Correction {i}" }),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            (await support.SendAsync(request)).EnsureSuccessStatusCode();

            // Ledger ids are time-ordered; entries in one millisecond would have no defined order.
            host.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await SignInAsync(page, host, BrowserHost.AdminUserName, BrowserHost.AdminPassword);
        await page.GotoAsync(new Uri(host.Address, $"/admin/members/{Program}/{memberId}").ToString());

        var ledger = page.GetByRole(AriaRole.Table, new() { Name = "Ledger" });
        await Expect(ledger.GetByRole(AriaRole.Row)).ToHaveCountAsync(21);
        await Expect(ledger).ToContainTextAsync("Correction 25");
        await page.GetByRole(AriaRole.Link, new() { Name = "Older entries" }).ClickAsync();
        await Expect(ledger.GetByRole(AriaRole.Row)).ToHaveCountAsync(6);
        await Expect(ledger).ToContainTextAsync("Correction 1");
        await Expect(ledger).Not.ToContainTextAsync("Correction 25");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Older entries" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Newest entries" }).ClickAsync();
        await Expect(ledger).ToContainTextAsync("Correction 25");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_ledger_filters_by_entry_type_and_program_days_and_keeps_the_filter_while_paging(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        var memberId = await SeedAsync(host);
        using var support = await host.ApiKeyClientAsync(Roles.Support);
        using var integrator = await host.ApiKeyClientAsync(Roles.Integrator);
        async Task AdjustAsync(string reason)
        {
            (await support.PostAsJsonAsync($"/api/members/programs/{Program}/members/{memberId}/adjustments", new { points = 10, reason })).EnsureSuccessStatusCode();
            host.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        // 25 corrections on 2 November; one at 23:30 on the 3rd and one at 00:30 on the 4th in Berlin (22:30 and 23:30 UTC), and a redemption on the 4th.
        for (var i = 1; i <= 25; i++)
        {
            await AdjustAsync($"Correction {i}");
        }

        host.Clock.Advance(new DateTimeOffset(2026, 11, 3, 22, 30, 0, TimeSpan.Zero) - host.Clock.GetUtcNow());
        await AdjustAsync("Late on the third");
        host.Clock.Advance(TimeSpan.FromHours(1));
        await AdjustAsync("Early on the fourth");
        (await integrator.PostAsJsonAsync($"/api/members/programs/{Program}/members/{memberId}/redemptions", new { points = 5, reference = "R-1" })).EnsureSuccessStatusCode();

        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await SignInAsync(page, host, "browser-support");
        await page.GotoAsync(new Uri(host.Address, $"/admin/members/{Program}/{memberId}").ToString());
        var ledger = page.GetByRole(AriaRole.Table, new() { Name = "Ledger" });
        await Expect(ledger).ToContainTextAsync("Redemption");

        // Adjustments of 2 November: 25, paged 20 and 5 with the filter kept.
        await page.GetByLabel("Entry type").SelectOptionAsync("Adjustment");
        await page.GetByLabel("From (program time)").FillAsync("2026-11-02");
        await page.GetByLabel("To (program time)").FillAsync("2026-11-02");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter ledger" }).ClickAsync();
        await Expect(ledger.GetByRole(AriaRole.Row)).ToHaveCountAsync(21);
        await Expect(ledger).ToContainTextAsync("Correction 25");
        await Expect(ledger).Not.ToContainTextAsync("Late on the third");
        await page.GetByRole(AriaRole.Link, new() { Name = "Older entries" }).ClickAsync();
        await Expect(ledger.GetByRole(AriaRole.Row)).ToHaveCountAsync(6);
        await Expect(ledger).ToContainTextAsync("Correction 1");
        await Expect(page.GetByLabel("Entry type")).ToHaveValueAsync("Adjustment");
        Assert.Contains("entryType=Adjustment", page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("grace", page.Url, StringComparison.OrdinalIgnoreCase);
        await page.GetByRole(AriaRole.Link, new() { Name = "Newest entries" }).ClickAsync();
        await Expect(ledger.GetByRole(AriaRole.Row)).ToHaveCountAsync(21);
        await Expect(ledger).Not.ToContainTextAsync("Early on the fourth");

        // The 3rd of November is Berlin's day: 23:30 there is in, 00:30 on the 4th is not.
        await page.GetByLabel("Entry type").SelectOptionAsync(string.Empty);
        await page.GetByLabel("From (program time)").FillAsync("2026-11-03");
        await page.GetByLabel("To (program time)").FillAsync("2026-11-03");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter ledger" }).ClickAsync();
        await Expect(ledger.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Expect(ledger).ToContainTextAsync("Late on the third");

        await page.GetByLabel("Entry type").SelectOptionAsync("Redemption");
        await page.GetByLabel("From (program time)").FillAsync("2026-11-04");
        await page.GetByLabel("To (program time)").FillAsync(string.Empty);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter ledger" }).ClickAsync();
        await Expect(ledger.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Expect(ledger).ToContainTextAsync("-5");
        await Screenshots.SaveAsync(page, "admin-member-ledger-filter");

        // A reversed period: the API refuses it, and its reason is shown at From.
        await page.GetByLabel("From (program time)").FillAsync("2026-11-05");
        await page.GetByLabel("To (program time)").FillAsync("2026-11-04");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter ledger" }).ClickAsync();
        await Expect(page.Locator("#ledger-from-error")).ToHaveTextAsync("Give a from before to.");
        await page.GetByRole(AriaRole.Link, new() { Name = "Clear filters" }).ClickAsync();
        await Expect(ledger).ToContainTextAsync("Early on the fourth");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_marketer_sees_no_members_entry_and_the_server_refuses_the_screens(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        var memberId = await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await SignInAsync(page, host, "browser-marketer");

        await Expect(Navigation(page).GetByRole(AriaRole.Link, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await Expect(Navigation(page).GetByRole(AriaRole.Link, new() { Name = "Members" })).ToHaveCountAsync(0);
        foreach (var path in new[] { "/admin/members", $"/admin/members/{Program}/{memberId}" })
        {
            var response = await page.GotoAsync(new Uri(host.Address, path).ToString());
            Assert.EndsWith("/admin/access-denied?ReturnUrl=" + Uri.EscapeDataString(path), response!.Url, StringComparison.Ordinal);
            Assert.Equal(403, response.Status);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Access denied" })).ToBeVisibleAsync();
            await Expect(page.GetByLabel("Email")).ToHaveCountAsync(0);
            await Expect(page.GetByText("Grace")).ToHaveCountAsync(0);
        }
    }

    /// <summary>A program, one member and two staff users (support and marketer); answers the member's id.</summary>
    private static async Task<Guid> SeedAsync(BrowserHost host)
    {
        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        using var integrator = await host.ApiKeyClientAsync(Roles.Integrator);
        (await admin.PostAsJsonAsync("/api/members/programs", new { code = Program, name = "Members Screens", timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();
        var enrolled = await integrator.PostAsJsonAsync($"/api/members/programs/{Program}/members", new
        {
            email = "grace@example.com", firstName = "Grace", lastName = "Hopper", cardNumber = "C-777", externalId = "uim-1", channel = "web",
        });
        enrolled.EnsureSuccessStatusCode();
        (await integrator.PostAsJsonAsync($"/api/members/programs/{Program}/members", new { email = "alan@example.com", firstName = "Alan", lastName = "Turing", channel = "web" })).EnsureSuccessStatusCode();
        foreach (var (name, role) in new[] { ("browser-support", Roles.Support), ("browser-marketer", Roles.Marketer) })
        {
            (await admin.PostAsJsonAsync("/api/admin/users", new { userName = name, password = StaffPassword, roles = new[] { role } })).EnsureSuccessStatusCode();
        }

        return (await enrolled.Content.ReadFromJsonAsync<Enrolled>())!.Id;
    }

    private static Task SignInAsync(IPage page, BrowserHost host, string userName, string password = StaffPassword) =>
        host.SignInAsync(page, userName, password);

    private static ILocator Navigation(IPage page) => page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private sealed record Enrolled(Guid Id);
}
