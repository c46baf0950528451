using System.Net.Http.Json;
using System.Text.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.Playwright;

namespace Loyalty.BrowserTests;

/// <summary>The program settings screen at /admin/programs in a real browser: currencies, expiry policy and the tier ladder.</summary>
public sealed class ProgramSettingsScreenTests
{
    private const string Program = "uip";
    private const string StaffPassword = "another long staff password";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_marketer_sees_the_settings_is_shown_a_refused_threshold_at_its_field_and_saves_the_tiers_after_confirming(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await SignInAsync(page, host, "browser-marketer");

        await Navigation(page).GetByRole(AriaRole.Link, new() { Name = "Program settings" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Program settings", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("EUR");
        await Expect(page.GetByTestId("expiry-policy")).ToHaveTextAsync("Points expire 24 months after they were earned");
        await Expect(page.GetByLabel("Code of tier 1")).ToHaveValueAsync(string.Empty);

        // Gold ranks above silver with a lower threshold: the API refuses, and says so at gold's threshold.
        await FillTierAsync(page, 1, "silver", "Silver", "1", "500", "1.25");
        await FillTierAsync(page, 2, "gold", "Gold", "2", "400", "1.5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Review tiers" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Replace the tier ladder with this one?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save tiers" }).ClickAsync();
        await Expect(page.Locator("#tier-1-threshold-error")).ToContainTextAsync("its threshold must be higher than 500");
        await Expect(page.GetByLabel("Threshold of tier 2")).ToHaveAttributeAsync("aria-describedby", "tier-1-threshold-error");
        await Expect(page.GetByLabel("Threshold of tier 2")).ToHaveValueAsync("400");
        await Expect(page.GetByLabel("Code of tier 2")).ToHaveValueAsync("gold");
        using var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        Assert.False((await marketer.GetAsync($"/api/members/programs/{Program}/tiers")).IsSuccessStatusCode);
        await page.Locator("#tier-1-threshold-error").ScrollIntoViewIfNeededAsync();
        await Screenshots.SaveAsync(page, "admin-program-tiers-refused");

        await page.GetByLabel("Threshold of tier 2").FillAsync("1000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Review tiers" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("2. Gold (gold): from 1000, points × 1.5");
        await Expect(page.GetByLabel("Threshold of tier 2")).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(page, "admin-program-tiers-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save tiers" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The tier ladder was saved.");
        await Expect(page.GetByLabel("Code of tier 2")).ToHaveValueAsync("gold");
        await Expect(page.GetByLabel("Threshold of tier 2")).ToHaveValueAsync("1000");
        await Expect(page.GetByLabel("Code of tier 3")).ToHaveValueAsync(string.Empty);
        var ladder = await marketer.GetFromJsonAsync<JsonElement>($"/api/members/programs/{Program}/tiers");
        var tiers = ladder.GetProperty("tiers").EnumerateArray().Select(t => (t.GetProperty("code").GetString(), t.GetProperty("threshold").GetInt64(), t.GetProperty("earningMultiplier").GetDecimal())).ToList();
        Assert.Equal([("silver", 500L, 1.25m), ("gold", 1000L, 1.5m)], tiers);
        await Screenshots.SaveAsync(page, "admin-program-settings", fullPage: true);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_settings_form_posted_without_its_antiforgery_token_is_refused_and_changes_nothing(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" });
        var page = await context.NewPageAsync();
        await SignInAsync(page, host, "browser-marketer");
        var url = new Uri(host.Address, $"/admin/programs?program={Program}").ToString();
        await page.GotoAsync(url);

        // The base rate form's own fields, as the browser would post them, with a new rate: once without the token
        // (as a page of another site would post it, with the signed-in person's cookie), once with it.
        var fields = await page.Locator("#base-rate-points").EvaluateAsync<Dictionary<string, string>>(
            "input => Object.fromEntries(new FormData(input.form))");
        Assert.Contains("__RequestVerificationToken", fields.Keys);
        fields["Rate.Points"] = "7";
        async Task<IAPIResponse> PostAsync(bool withToken)
        {
            var form = context.APIRequest.CreateFormData();
            foreach (var (name, value) in fields.Where(f => withToken || f.Key != "__RequestVerificationToken"))
            {
                form.Set(name, value);
            }

            return await context.APIRequest.PostAsync(url, new() { Form = form });
        }

        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        async Task<decimal> RateAsync() =>
            (await admin.GetFromJsonAsync<JsonElement>($"/api/members/programs/{Program}")).GetProperty("pointsPerCurrencyUnit").GetDecimal();
        var before = await RateAsync();

        var forged = await PostAsync(withToken: false);
        Assert.Equal(400, forged.Status);
        Assert.Equal(before, await RateAsync());

        var genuine = await PostAsync(withToken: true);
        Assert.True(genuine.Ok, $"{genuine.Status}: {await genuine.TextAsync()}");
        Assert.Equal(7m, await RateAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Support_staff_see_the_tiers_but_get_no_editor(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        (await admin.PutAsJsonAsync($"/api/members/programs/{Program}/tiers", new
        {
            basis = "QualifyingPoints", window = "CalendarYear", maxLevelsDown = 1,
            tiers = new[] { new { code = "silver", name = "Silver", rank = 1, threshold = 500 } },
        })).EnsureSuccessStatusCode();
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await SignInAsync(page, host, "browser-support");

        await Navigation(page).GetByRole(AriaRole.Link, new() { Name = "Program settings" }).ClickAsync();
        await Expect(page.GetByText("1. Silver (silver): from 500, points × 1")).ToBeVisibleAsync();
        await Expect(page.GetByText("Qualifies by Qualifying points, window: Calendar year")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Review tiers" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save base rate" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save expiry policy" })).ToHaveCountAsync(0);
        await Expect(page.GetByLabel("Code of tier 1")).ToHaveCountAsync(0);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_marketer_changes_the_base_rate_and_the_expiry_policy_sees_a_refusal_at_its_field_and_a_concurrent_change_is_not_overwritten(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await SignInAsync(page, host, "browser-marketer");
        await page.GotoAsync(new Uri(host.Address, $"/admin/programs?program={Program}").ToString());

        // A rate of 0 is refused by the API, at the rate's field, with the input kept.
        await page.GetByLabel("Points per unit of EUR").FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save base rate" }).ClickAsync();
        await Expect(page.Locator("#base-rate-points-error")).ToContainTextAsync("Give a rate above 0");
        await Expect(page.GetByLabel("Points per unit of EUR")).ToHaveAttributeAsync("aria-describedby", "base-rate-points-error");
        await Expect(page.GetByLabel("Points per unit of EUR")).ToHaveValueAsync("0");
        await page.GetByLabel("Points per unit of EUR").FillAsync("2.5");
        await page.GetByLabel("Earned on").SelectOptionAsync("PerTransaction");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save base rate" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The base rate was saved.");
        await Expect(page.GetByTestId("base-rate")).ToContainTextAsync("2.5");

        await page.GetByLabel("Expiry policy").SelectOptionAsync("RollingMonths");
        await page.GetByLabel("Months (rolling expiry)").FillAsync("36");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save expiry policy" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("points earned before keep their expiry date");
        await Expect(page.GetByTestId("expiry-policy")).ToHaveTextAsync("Points expire 36 months after they were earned");
        await Screenshots.SaveAsync(page, "admin-program-currencies-expiry");

        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        var program = await admin.GetFromJsonAsync<JsonElement>($"/api/members/programs/{Program}");
        Assert.Equal((2.5m, "PerTransaction", "RollingMonths", 36),
            (program.GetProperty("pointsPerCurrencyUnit").GetDecimal(), program.GetProperty("baseRateScope").GetString(), program.GetProperty("expiryPolicy").GetString(), program.GetProperty("expiryMonths").GetInt32()));

        // Someone else changes the expiry while the page is open: saving from the page is refused, and it shows the change.
        var etag = (await admin.GetAsync($"/api/members/programs/{Program}")).Headers.ETag!.Tag;
        using var change = new HttpRequestMessage(HttpMethod.Put, $"/api/members/programs/{Program}/expiry") { Content = JsonContent.Create(new { expiryPolicy = "EndOfFollowingYear" }) };
        change.Headers.TryAddWithoutValidation("If-Match", etag);
        (await admin.SendAsync(change)).EnsureSuccessStatusCode();
        await page.GetByLabel("Expiry policy").SelectOptionAsync("Never");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save expiry policy" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert).First).ToContainTextAsync("Someone changed the program's settings");
        await Expect(page.GetByTestId("expiry-policy")).ToHaveTextAsync("Points expire at the end of the year after the one they were earned in");
        program = await admin.GetFromJsonAsync<JsonElement>($"/api/members/programs/{Program}");
        Assert.Equal("EndOfFollowingYear", program.GetProperty("expiryPolicy").GetString());
    }

    private static async Task FillTierAsync(IPage page, int row, string code, string name, string rank, string threshold, string multiplier)
    {
        await page.GetByLabel($"Code of tier {row}").FillAsync(code);
        await page.GetByLabel($"Name of tier {row}").FillAsync(name);
        await page.GetByLabel($"Rank of tier {row}").FillAsync(rank);
        await page.GetByLabel($"Threshold of tier {row}").FillAsync(threshold);
        await page.GetByLabel($"Multiplier of tier {row}").FillAsync(multiplier);
    }

    /// <summary>A program with rolling expiry, a marketer and a support user.</summary>
    private static async Task SeedAsync(BrowserHost host)
    {
        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        (await admin.PostAsJsonAsync("/api/members/programs", new
        {
            code = Program, name = "Program Screens", timeZone = "Europe/Berlin", currency = "EUR", expiryPolicy = "RollingMonths", expiryMonths = 24,
        })).EnsureSuccessStatusCode();
        foreach (var (name, role) in new[] { ("browser-marketer", Roles.Marketer), ("browser-support", Roles.Support) })
        {
            (await admin.PostAsJsonAsync("/api/admin/users", new { userName = name, password = StaffPassword, roles = new[] { role } })).EnsureSuccessStatusCode();
        }
    }

    private static Task SignInAsync(IPage page, BrowserHost host, string userName) =>
        host.SignInAsync(page, userName, StaffPassword);

    private static ILocator Navigation(IPage page) => page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
