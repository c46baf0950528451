using System.Net.Http.Json;
using Loyalty.Consent.Contracts;
using Loyalty.Host.Tests.Campaigns;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Quartz;

namespace Loyalty.BrowserTests;

/// <summary>The dashboard's figures in a real browser, and open GDPR requests only for the roles that handle them.</summary>
public sealed class DashboardScreenTests
{
    private const string Program = "dash";
    private const string StaffPassword = "another long staff password";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_dashboard_shows_the_program_figures_a_points_chart_and_open_GDPR_requests_to_the_DPO_but_not_to_support(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;

        var dpo = await SignInAsync(browser, host, "browser-dpo");
        await Expect(dpo.GetByTestId("figure-members")).ToContainTextAsync("3");
        await Expect(dpo.GetByTestId("figure-active-30")).ToContainTextAsync("2");
        await Expect(dpo.GetByTestId("figure-active-90")).ToContainTextAsync("2");
        await Expect(dpo.GetByTestId("figure-outstanding")).ToContainTextAsync("130");
        await Expect(dpo.GetByRole(AriaRole.Img, new() { Name = "Bar chart of points issued" }).Locator("svg").First).ToBeVisibleAsync();
        var months = dpo.GetByRole(AriaRole.Table, new() { Name = "Points by month" });
        await Expect(months.GetByRole(AriaRole.Row)).ToHaveCountAsync(7);
        await Expect(months.GetByRole(AriaRole.Row).Last).ToContainTextAsync("2026-11");
        await Expect(months.GetByRole(AriaRole.Row).Last).ToContainTextAsync("150");
        await Expect(dpo.GetByRole(AriaRole.Table, new() { Name = "Members by tier" })).ToContainTextAsync("No tier");
        var requests = dpo.GetByRole(AriaRole.Table, new() { Name = "Open GDPR requests" });
        await Expect(requests.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Expect(requests).ToContainTextAsync("access");
        await Expect(requests).ToContainTextAsync("2026-12-02");
        await Expect(requests).Not.ToContainTextAsync("ada@example.com");
        await Expect(dpo.GetByRole(AriaRole.Heading, new() { Name = "Health of databases, jobs and connectors" })).ToHaveCountAsync(0);
        await Expect(dpo.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "GDPR requests" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(dpo, "admin-dashboard-figures");

        var support = await SignInAsync(browser, host, "browser-support");
        await Expect(support.GetByTestId("figure-members")).ToContainTextAsync("3");
        await Expect(support.GetByRole(AriaRole.Heading, new() { Name = "Open GDPR requests" })).ToHaveCountAsync(0);
        await Expect(support.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "Members" })).ToBeVisibleAsync();
        await Expect(support.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "GDPR requests" })).ToHaveCountAsync(0);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Without_a_program_the_dashboard_says_so(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await page.GotoAsync(new Uri(host.Address, "/admin/sign-in").ToString());
        await page.GetByLabel("User name").FillAsync(BrowserHost.AdminUserName);
        await page.GetByLabel("Password").FillAsync(BrowserHost.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.GetByText("There is no loyalty program yet")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Open GDPR requests" })).ToBeVisibleAsync();
        await Expect(page.GetByText("No open requests.")).ToBeVisibleAsync();

        // Only admins see the health report, as only they may read it from the API.
        var health = page.GetByRole(AriaRole.Table, new() { Name = "Health of databases, jobs and connectors" });
        await Expect(health.GetByRole(AriaRole.Row, new() { Name = "connector-connections" })).ToBeVisibleAsync();
        await Expect(health.GetByRole(AriaRole.Row, new() { Name = "connector-plugins" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("health-overall")).ToContainTextAsync("Overall:");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_dashboard_shows_the_most_redeemed_rewards_of_the_chosen_days_and_the_results_of_a_sent_campaign(DatabaseProvider provider)
    {
        const string program = "dashres";
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await BrowserHost.StartAsync(provider, smtp.Settings);
        var members = await SegmentScreenTests.SeedAsync(host, program, "Dashboard Results");
        await CampaignScreenTests.SeedSegmentAndConsentAsync(host, members["ada"], program);
        await SeedRedemptionsAsync(host, program, members);
        await SendCampaignAsync(host, program);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB", ViewportSize = new() { Width = 1280, Height = 1000 } })).NewPageAsync();
        await SegmentScreenTests.SignInAsync(page, host, "browser-marketer");

        // The last 30 days by default: the espresso cup three times (100 points each), the tote bag once; Cleo's refused redemption does not count.
        var top = page.GetByRole(AriaRole.Table, new() { Name = "Top rewards" });
        await Expect(top.GetByRole(AriaRole.Row)).ToHaveCountAsync(3);
        await Expect(top.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("Espresso cup");
        await Expect(top.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("3");
        await Expect(top.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("300");
        await Expect(top.GetByRole(AriaRole.Row).Nth(2)).ToContainTextAsync("Tote bag");
        await Expect(top.GetByRole(AriaRole.Row).Nth(2)).ToContainTextAsync("250");

        // The segment of two: Ada consented and was sent the message, Bert did not consent.
        var campaigns = page.GetByRole(AriaRole.Table, new() { Name = "Campaign results" });
        await Expect(campaigns.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        var row = campaigns.GetByRole(AriaRole.Row).Nth(1);
        await Expect(row).ToContainTextAsync("Herbst");
        await Expect(row.GetByRole(AriaRole.Cell)).ToHaveTextAsync(["Herbst (completed)", "2026-11-02", "2", "1", "1", "0", "0", "0", "0"]);
        await Screenshots.SaveAsync(page, "admin-dashboard-results", fullPage: true);

        // A month without redemptions, then a reversed period, refused at the field.
        await page.GetByLabel("From").FillAsync("2026-10-01");
        await page.GetByLabel("To").FillAsync("2026-10-31");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show period" }).ClickAsync();
        await Expect(page.GetByText("No reward was redeemed in these days.")).ToBeVisibleAsync();
        Assert.Contains("from=2026-10-01", page.Url, StringComparison.Ordinal);
        await page.GetByLabel("From").FillAsync("2026-11-05");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show period" }).ClickAsync();
        await Expect(page.Locator("#top-from-error")).ToHaveTextAsync("Give a From date on or before the To date.");
    }

    /// <summary>Three members (two earned 100 and 50 points today, one spent 20), one open access request, a DPO and a support user.</summary>
    private static async Task SeedAsync(BrowserHost host)
    {
        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        using var integrator = await host.ApiKeyClientAsync(Roles.Integrator);
        (await admin.PostAsJsonAsync("/api/members/programs", new { code = Program, name = "Dashboard", timeZone = "Europe/Berlin", currency = "EUR", pendingDays = 0 })).EnsureSuccessStatusCode();
        var at = host.Clock.GetUtcNow();
        var members = new Dictionary<string, Guid>();
        foreach (var (id, total) in new[] { ("m-1", 10_000L), ("m-2", 5_000L), ("m-3", 0L) })
        {
            var enrolled = await integrator.PostAsJsonAsync($"/api/members/programs/{Program}/members", new { externalId = id, channel = "web" });
            enrolled.EnsureSuccessStatusCode();
            members[id] = (await enrolled.Content.ReadFromJsonAsync<Member>())!.Id;
            if (total > 0)
            {
                (await integrator.PostAsJsonAsync($"/api/members/programs/{Program}/transactions", new
                {
                    externalId = $"T-{id}", memberExternalId = id, occurredAt = at, currency = "EUR", total, channel = "pos",
                    lines = new[] { new { sku = "latte", quantity = 1, unitPrice = total } },
                })).EnsureSuccessStatusCode();
            }
        }

        (await integrator.PostAsJsonAsync($"/api/members/programs/{Program}/members/{members["m-2"]}/redemptions", new { points = 20, reference = "R-1" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/consent/requests", new { type = "access", email = "ada@example.com", verification = "Replied from her registered address" })).EnsureSuccessStatusCode();
        foreach (var (name, role) in new[] { ("browser-dpo", Roles.DataProtectionOfficer), ("browser-support", Roles.Support) })
        {
            (await admin.PostAsJsonAsync("/api/admin/users", new { userName = name, password = StaffPassword, roles = new[] { role } })).EnsureSuccessStatusCode();
        }
    }

    /// <summary>Ada redeems the espresso cup twice, Bert once and the tote bag once; Cleo's redemption is refused (no points).</summary>
    private static async Task SeedRedemptionsAsync(BrowserHost host, string program, Dictionary<string, Guid> members)
    {
        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        using var integrator = await host.ApiKeyClientAsync(Roles.Integrator);
        foreach (var name in new[] { "ada", "bert" })
        {
            (await admin.PostAsJsonAsync($"/api/members/programs/{program}/members/{members[name]}/adjustments", new { points = 1_000, reason = "seed" })).EnsureSuccessStatusCode();
        }

        async Task<Guid> RewardAsync(string name, long points)
        {
            var created = await admin.PostAsJsonAsync($"/api/rewards/programs/{program}/rewards", new { name, kind = "freeProductVoucher", pointsCost = points, productSku = name });
            created.EnsureSuccessStatusCode();
            return (await created.Content.ReadFromJsonAsync<Member>())!.Id;
        }

        var cup = await RewardAsync("Espresso cup", 100);
        var bag = await RewardAsync("Tote bag", 250);
        foreach (var (member, reward, reference) in new[] { ("ada", cup, "r-1"), ("ada", cup, "r-2"), ("bert", cup, "r-3"), ("bert", bag, "r-4") })
        {
            (await integrator.PostAsJsonAsync($"/api/rewards/programs/{program}/members/{members[member]}/redemptions", new { rewardId = reward, externalId = reference })).EnsureSuccessStatusCode();
        }

        var refused = await integrator.PostAsJsonAsync($"/api/rewards/programs/{program}/members/{members["cleo"]}/redemptions", new { rewardId = bag, externalId = "r-5" });
        Assert.False(refused.IsSuccessStatusCode);
    }

    /// <summary>The campaign "Herbst" to the German speakers, scheduled now and sent by the send job.</summary>
    private static async Task SendCampaignAsync(BrowserHost host, string program)
    {
        using var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var campaigns = $"/api/campaigns/programs/{program}/campaigns";
        var created = await marketer.PostAsJsonAsync(campaigns, new
        {
            name = "Herbst", channel = "email", purpose = ConsentPurposes.EmailMarketing, consentChannel = "email", defaultLocale = "de", segment = "german",
            contents = new[] { new { locale = "de", subject = "Hallo {{ member.first_name }}", body = "<p>Hallo</p><p><a href=\"{{ unsubscribe_url }}\">Abmelden</a></p>" } },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<Member>())!.Id;
        (await marketer.PostAsJsonAsync($"{campaigns}/{id}/schedule", new { at = host.Clock.GetUtcNow() })).EnsureSuccessStatusCode();
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        for (var i = 0; i < 60; i++)
        {
            if (i % 10 == 0)
            {
                await scheduler.TriggerJob(new JobKey("SendCampaignsJob", "campaigns"));
            }

            if ((await marketer.GetFromJsonAsync<CampaignState>($"{campaigns}/{id}"))!.Status == "completed")
            {
                return;
            }

            await Task.Delay(500);
        }

        Assert.Fail("The campaign was not sent.");
    }

    private static async Task<IPage> SignInAsync(IBrowser browser, BrowserHost host, string userName)
    {
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB", ViewportSize = new() { Width = 1280, Height = 1000 } })).NewPageAsync();
        await host.SignInAsync(page, userName, StaffPassword);
        return page;
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private sealed record Member(Guid Id);

    private sealed record CampaignState(string Status);
}
