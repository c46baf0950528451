using System.Net.Http.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.Playwright;

namespace Loyalty.BrowserTests;

/// <summary>The reward screens at /admin/rewards in a real browser: catalog editor, redeeming for a member, the member's redemptions.</summary>
public sealed class RewardScreenTests
{
    private const string Program = "uir-rewards";
    private const string StaffPassword = "another long staff password";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_admin_creates_a_reward_redeems_it_for_a_member_and_sees_the_redemption_and_the_lower_balance(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await SignInAsync(page, host, BrowserHost.AdminUserName, BrowserHost.AdminPassword);

        await Navigation(page).GetByRole(AriaRole.Link, new() { Name = "Rewards" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Rewards", Exact = true })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "New reward" }).ClickAsync();

        // Words where a number belongs are pointed out at once; a points cost of 0 is refused by the API, at the field; nothing is added.
        await page.GetByLabel("Name").FillAsync("Espresso cup");
        await page.GetByLabel("Kind").SelectOptionAsync("physicalItem");
        await page.GetByLabel("Points cost").FillAsync("four hundred");
        await page.GetByLabel("Stock").FillAsync("5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save reward" }).ClickAsync();
        await Expect(page.Locator("#pointsCost-error")).ToHaveTextAsync("Give a number, such as 400.");
        await Expect(page.GetByLabel("Points cost")).ToHaveValueAsync("four hundred");
        await page.GetByLabel("Points cost").FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save reward" }).ClickAsync();
        await Expect(page.Locator("#pointsCost-error")).ToHaveTextAsync("Give 1 to 100,000,000 points.");
        await Expect(page.GetByLabel("Points cost")).ToHaveAttributeAsync("aria-describedby", "pointsCost-hint pointsCost-error");
        await Expect(page.GetByLabel("Stock")).ToHaveValueAsync("5");
        await Screenshots.SaveAsync(page, "admin-reward-editor-errors", fullPage: true);

        await page.GetByLabel("Points cost").FillAsync("400");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save reward" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The reward was added to the catalog.");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Espresso cup" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("reward-stock")).ToHaveTextAsync("5");

        // Redeeming asks first, showing the price and the member's balance; the card number is typed, never put in the address.
        await page.GetByLabel("Member: email, card number or member id").FillAsync("C-900");
        await page.GetByRole(AriaRole.Button, new() { Name = "Review redemption" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Redeem “Espresso cup” for Ada Lovelace for 400 points? Their balance is 1,000 points.");
        Assert.DoesNotContain("C-900", page.Url, StringComparison.Ordinal);
        await Screenshots.SaveAsync(page, "admin-reward-redeem-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Redeem now" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The reward was redeemed.");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Redemptions of Ada Lovelace" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("balance-points")).ToHaveTextAsync("points: 600 available, 0 pending");
        var redemptions = page.GetByRole(AriaRole.Table, new() { Name = "Redemptions" });
        await Expect(redemptions.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Expect(redemptions).ToContainTextAsync("Espresso cup");
        await Expect(redemptions).ToContainTextAsync("Completed");
        await Expect(redemptions).ToContainTextAsync("400");
        await Expect(redemptions).ToContainTextAsync("Not shipped");
        Assert.DoesNotContain("C-900", page.Url, StringComparison.Ordinal);
        await Screenshots.SaveAsync(page, "admin-reward-redemptions");

        // The item left the stock, and the catalog says so.
        await redemptions.GetByRole(AriaRole.Link, new() { Name = "Espresso cup" }).ClickAsync();
        await Expect(page.GetByTestId("reward-stock")).ToHaveTextAsync("4");
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the catalog" }).ClickAsync();
        var catalog = page.GetByRole(AriaRole.Table, new() { Name = "Catalog of Reward Screens" });
        await Expect(catalog.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Expect(catalog).ToContainTextAsync("Physical item");
        await Screenshots.SaveAsync(page, "admin-rewards");

        // The program's redemptions with their fulfilment, filtered by a GET form of codes only.
        await page.GetByRole(AriaRole.Link, new() { Name = "Redemptions" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Redemptions in Reward Screens" })).ToBeVisibleAsync();
        var list = page.GetByRole(AriaRole.Table, new() { Name = "Redemptions" });
        await Expect(list.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Expect(list).ToContainTextAsync("Espresso cup");
        await Expect(list).ToContainTextAsync("Not shipped");
        await Screenshots.SaveAsync(page, "admin-reward-redemption-list");
        await page.GetByLabel("Fulfilment").SelectOptionAsync("shipped");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page.GetByText("No redemptions yet.")).ToBeVisibleAsync();
        await page.GetByLabel("Fulfilment").SelectOptionAsync("notShipped");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(list.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);

        // From the member's page: the member's rewards, and a second redemption, confirmed, leaving 200 points.
        await page.GotoAsync(new Uri(host.Address, "/admin/members").ToString());
        await page.GetByLabel("Card number").FillAsync("C-900");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Ada Lovelace" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Rewards and redemptions" }).ClickAsync();
        await page.GetByLabel("Reward").SelectOptionAsync(new SelectOptionValue { Label = "Espresso cup (400 points)" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Review redemption" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Redeem “Espresso cup” for Ada Lovelace for 400 points? Their balance is 600 points.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Redeem now" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The reward was redeemed.");
        await Expect(page.GetByTestId("balance-points")).ToHaveTextAsync("points: 200 available, 0 pending");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Redemptions" }).GetByRole(AriaRole.Row)).ToHaveCountAsync(3);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_marketer_manages_the_catalog_but_is_offered_no_redemption_and_refused_a_members_redemptions(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        var memberId = await SeedAsync(host);
        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        var created = await admin.PostAsJsonAsync($"/api/rewards/programs/{Program}/rewards", new { name = "Free coffee", kind = "freeProductVoucher", pointsCost = 200, productSku = "coffee" });
        created.EnsureSuccessStatusCode();
        var rewardId = (await created.Content.ReadFromJsonAsync<Created>())!.Id;
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await SignInAsync(page, host, "browser-marketer", StaffPassword);

        await page.GotoAsync(new Uri(host.Address, $"/admin/rewards/{Program}/{rewardId}").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Free coffee" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Status and stock" })).ToBeVisibleAsync();
        await Expect(page.GetByText("Redeem for a member")).ToHaveCountAsync(0);
        await Expect(page.GetByLabel("Member: email, card number or member id")).ToHaveCountAsync(0);

        // Retiring asks first.
        await page.GetByRole(AriaRole.Link, new() { Name = "Retire…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Retire “Free coffee”?" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("reward-status")).ToHaveTextAsync("Active");
        await page.GetByRole(AriaRole.Button, new() { Name = "Retire reward" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The status was changed.");
        await Expect(page.GetByTestId("reward-status")).ToHaveTextAsync("Retired");

        var path = $"/admin/rewards/{Program}/members/{memberId}";
        var response = await page.GotoAsync(new Uri(host.Address, path).ToString());
        Assert.Equal(403, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Access denied" })).ToBeVisibleAsync();
        await Expect(page.GetByText("Ada")).ToHaveCountAsync(0);
    }

    /// <summary>A program, a member with 1,000 points and a marketer; answers the member's id.</summary>
    private static async Task<Guid> SeedAsync(BrowserHost host)
    {
        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        using var integrator = await host.ApiKeyClientAsync(Roles.Integrator);
        (await admin.PostAsJsonAsync("/api/members/programs", new { code = Program, name = "Reward Screens", timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();
        var enrolled = await integrator.PostAsJsonAsync($"/api/members/programs/{Program}/members", new
        {
            email = "ada@example.com", firstName = "Ada", lastName = "Lovelace", cardNumber = "C-900", externalId = "uir-1", channel = "web",
        });
        enrolled.EnsureSuccessStatusCode();
        var memberId = (await enrolled.Content.ReadFromJsonAsync<Created>())!.Id;
        using var credit = new HttpRequestMessage(HttpMethod.Post, $"/api/members/programs/{Program}/members/{memberId}/adjustments")
        {
            Content = JsonContent.Create(new { points = 1000, reason = "Welcome gift" }),
        };
        credit.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        (await admin.SendAsync(credit)).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/admin/users", new { userName = "browser-marketer", password = StaffPassword, roles = new[] { Roles.Marketer } })).EnsureSuccessStatusCode();
        return memberId;
    }

    private static Task SignInAsync(IPage page, BrowserHost host, string userName, string password) =>
        host.SignInAsync(page, userName, password);

    private static ILocator Navigation(IPage page) => page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private sealed record Created(Guid Id);
}
