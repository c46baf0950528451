using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.Playwright;

namespace Loyalty.BrowserTests;

/// <summary>Voucher batches and partner code pools at /admin/rewards/{program}/voucher-batches and …/code-pools, in a real browser.</summary>
public sealed class RewardCodesScreenTests
{
    private const string Program = "uirc";
    private const string StaffPassword = "another long staff password";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_marketer_queues_a_batch_watches_it_complete_and_downloads_its_codes_once(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB", AcceptDownloads = true })).NewPageAsync();
        await host.SignInAsync(page, "browser-marketer", StaffPassword);
        await Navigation(page).GetByRole(AriaRole.Link, new() { Name = "Rewards" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Voucher batches" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Voucher batches", Exact = true })).ToBeVisibleAsync();

        // Without a number of codes the API refuses, at the field, and nothing is queued.
        await page.GetByLabel("Code", new() { Exact = true }).FillAsync("spring-2027");
        await page.GetByLabel("Percent off").FillAsync("10");
        await page.GetByRole(AriaRole.Button, new() { Name = "Queue batch" }).ClickAsync();
        await Expect(page.Locator("#batch-count-error")).ToContainTextAsync("Give 1 to 1,000,000 codes.");
        await Expect(page.GetByLabel("Code", new() { Exact = true })).ToHaveValueAsync("spring-2027");
        using var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var batches = $"/api/rewards/programs/{Program}/voucher-batches";
        Assert.Empty((await marketer.GetFromJsonAsync<List<JsonElement>>(batches))!);

        await page.GetByLabel("Number of codes").FillAsync("25");
        await page.GetByLabel("Code prefix").FillAsync("SPRING-");
        await page.GetByLabel("Keep only hashes").CheckAsync();
        await page.GetByLabel("Random characters").FillAsync("14");
        await page.GetByRole(AriaRole.Button, new() { Name = "Queue batch" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The batch was queued");
        var row = page.GetByRole(AriaRole.Table, new() { Name = "Voucher batches" }).GetByRole(AriaRole.Row, new() { Name = "spring-2027" });

        // The page refreshes itself until the batch is complete.
        await Expect(row).ToContainTextAsync("Completed", new() { Timeout = 30_000 });
        await Expect(row).ToContainTextAsync("25 of 25 (100.0 %)");
        await Expect(page.Locator("meta[http-equiv=refresh]")).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(page, "admin-reward-voucher-batches");
        var download = await page.RunAndWaitForDownloadAsync(() => row.GetByRole(AriaRole.Link, new() { Name = "Download the codes of spring-2027 once (CSV)" }).ClickAsync());
        var lines = (await File.ReadAllLinesAsync((await download.PathAsync())!)).Where(l => l.Length > 0).ToList();
        Assert.Equal("code", lines[0]);
        Assert.Equal(25, lines.Skip(1).Distinct().Count());
        Assert.All(lines.Skip(1), code => Assert.StartsWith("SPRING-", code, StringComparison.Ordinal));

        // Given once: the page no longer offers them, and the API refuses another download.
        await page.ReloadAsync();
        await Expect(row).ToContainTextAsync("only their hashes are kept");
        await Expect(row.GetByRole(AriaRole.Link)).ToHaveCountAsync(0);
        var id = (await marketer.GetFromJsonAsync<List<JsonElement>>(batches))!.Single().GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Gone, (await marketer.GetAsync($"{batches}/{id}/codes")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_marketer_uploads_partner_codes_sees_refused_lines_and_the_remaining_count(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        using var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var rewards = $"/api/rewards/programs/{Program}/rewards";
        (await marketer.PostAsJsonAsync(rewards, new { name = "Cinema ticket", kind = "partnerReward", pointsCost = 900, lowPoolThreshold = 5 })).EnsureSuccessStatusCode();
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await host.SignInAsync(page, "browser-marketer", StaffPassword);
        await page.GotoAsync(new Uri(host.Address, $"/admin/rewards?program={Program}").ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "Partner code pools" }).ClickAsync();
        var pool = page.GetByRole(AriaRole.Table, new() { Name = "Partner code pools" }).GetByRole(AriaRole.Row, new() { Name = "Cinema ticket" });
        await Expect(pool.GetByTestId("pool-available")).ToHaveTextAsync("0");
        await Expect(pool).ToContainTextAsync("Out of stock");

        // A repeated code refuses the whole file, naming the line, never the code.
        await page.GetByLabel("File of codes (CSV)").SetInputFilesAsync(Csv("cinema-bad.csv", "code", "CIN-1", "CIN-2", "CIN-1"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload codes" }).ClickAsync();
        await Expect(page.Locator("#upload-errors")).ToContainTextAsync("Line 4: The code repeats line 2.");
        await Expect(page.Locator("#upload-errors")).Not.ToContainTextAsync("CIN-1");
        await Expect(pool.GetByTestId("pool-available")).ToHaveTextAsync("0");
        await Screenshots.SaveAsync(page, "admin-reward-code-pool-refused");

        var good = Csv("cinema-dec.csv", "code", "CIN-1", "CIN-2", "CIN-3", "CIN-4", "CIN-5", "CIN-6");
        await page.GetByLabel("File of codes (CSV)").SetInputFilesAsync(good);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload codes" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("6 codes were added to the pool.");
        await Expect(pool.GetByTestId("pool-available")).ToHaveTextAsync("6");
        await Expect(pool).ToContainTextAsync("cinema-dec.csv: 6 codes");
        await Screenshots.SaveAsync(page, "admin-reward-code-pools");

        await page.GetByLabel("File of codes (CSV)").SetInputFilesAsync(good);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload codes" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("This file was uploaded before; nothing was added.");
        await Expect(pool.GetByTestId("pool-available")).ToHaveTextAsync("6");
        var id = (await marketer.GetFromJsonAsync<List<JsonElement>>(rewards))!.Single().GetProperty("id").GetGuid();
        Assert.Equal(6, (await marketer.GetFromJsonAsync<JsonElement>($"{rewards}/{id}/codes")).GetProperty("available").GetInt64());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Support_staff_get_neither_screen(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await host.SignInAsync(page, "browser-support", StaffPassword);
        await page.GotoAsync(new Uri(host.Address, $"/admin/rewards?program={Program}").ToString());
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Voucher batches" })).ToHaveCountAsync(0);

        foreach (var path in new[] { "voucher-batches", "code-pools" })
        {
            var response = await page.GotoAsync(new Uri(host.Address, $"/admin/rewards/{Program}/{path}").ToString());
            Assert.Equal(403, response!.Status);
        }
    }

    private static FilePayload Csv(string name, params string[] lines) =>
        new() { Name = name, MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n") };

    /// <summary>A program, a marketer and a support user.</summary>
    private static async Task SeedAsync(BrowserHost host)
    {
        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        (await admin.PostAsJsonAsync("/api/members/programs", new { code = Program, name = "Reward Codes", timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();
        foreach (var (name, role) in new[] { ("browser-marketer", Roles.Marketer), ("browser-support", Roles.Support) })
        {
            (await admin.PostAsJsonAsync("/api/admin/users", new { userName = name, password = StaffPassword, roles = new[] { role } })).EnsureSuccessStatusCode();
        }
    }

    private static ILocator Navigation(IPage page) => page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
