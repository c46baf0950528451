using System.Net.Http.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Quartz;

namespace Loyalty.BrowserTests;

/// <summary>The segment screens at /admin/segments in a real browser: builder with the live count, the API's errors at the field, evaluation, members.</summary>
public sealed class SegmentScreenTests
{
    public const string Program = "seg-screens";
    public const string StaffPassword = "another long staff password";

    private static readonly string[] German = ["de"];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_marketer_builds_a_segment_sees_a_refused_condition_at_the_field_counts_it_saves_it_and_sees_its_members(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        var members = await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await SignInAsync(page, host, "browser-marketer");

        await Navigation(page).GetByRole(AriaRole.Link, new() { Name = "Segments" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Segments", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByText("This program has no segments yet.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "New segment" }).ClickAsync();

        // An age of 200: the API refuses it, and its reason is shown at the conditions, naming the field.
        await page.GetByLabel("Name").FillAsync("German speakers");
        await page.GetByLabel("Code").FillAsync("german");
        await page.GetByLabel("Conditions (JSON)").FillAsync("{ \"all\": [ { \"locale\": [\"de\"] }, { \"age\": { \"min\": 200 } } ] }");
        await page.GetByRole(AriaRole.Button, new() { Name = "Count" }).ClickAsync();
        await Expect(page.Locator("#conditions-error")).ToContainTextAsync("conditions.all[1].age.min: Give 0 to 150.");
        await Expect(page.GetByLabel("Conditions (JSON)")).ToHaveAttributeAsync("aria-describedby", "conditions-hint conditions-error");
        await Expect(page.GetByLabel("Name")).ToHaveValueAsync("German speakers");
        await Expect(page.GetByTestId("segment-count")).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(page, "admin-segment-editor-errors", fullPage: true);

        // Two of the three members have the German locale: the count follows the change of the conditions as soon as
        // the field is left (no Count pressed), and nothing is saved yet.
        await page.GetByLabel("Conditions (JSON)").FillAsync("{ \"locale\": [\"de\"] }");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByTestId("segment-count")).ToHaveTextAsync("The conditions select 2 members now.");
        await Expect(page.GetByLabel("Name")).ToHaveValueAsync("German speakers");
        await Expect(page.Locator("#conditions-error")).ToBeEmptyAsync();
        await Screenshots.SaveAsync(page, "admin-segment-count", fullPage: true);
        using (var marketer = await host.ApiKeyClientAsync(Roles.Marketer))
        {
            Assert.Empty((await marketer.GetFromJsonAsync<List<object>>($"/api/campaigns/programs/{Program}/segments"))!);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Create segment" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The segment was saved");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "German speakers" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Evaluate now" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The evaluation is queued.");
        await EvaluateSegmentsAsync(host, page);
        await Expect(page.GetByTestId("segment-evaluation")).ToContainTextAsync("Evaluated");
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Members of German speakers" });
        await Expect(table.GetByRole(AriaRole.Row)).ToHaveCountAsync(3);
        await Expect(table).ToContainTextAsync(members["ada"].ToString());
        await Expect(table).ToContainTextAsync(members["bert"].ToString());
        await Expect(table).Not.ToContainTextAsync(members["cleo"].ToString());
        await Screenshots.SaveAsync(page, "admin-segment-detail", fullPage: true);

        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the segments" }).ClickAsync();
        var list = page.GetByRole(AriaRole.Table, new() { Name = "Segments of Segment Screens" });
        await Expect(list.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Expect(list).ToContainTextAsync("German speakers");
        await Expect(list.GetByRole(AriaRole.Row).Nth(1).GetByRole(AriaRole.Cell).Nth(3)).ToHaveTextAsync("2");
        await Screenshots.SaveAsync(page, "admin-segments");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Saving_a_segment_on_the_screen_keeps_its_conditions_on_engagement_and_scores_set_through_the_api(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        using var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var segments = $"/api/campaigns/programs/{Program}/segments";
        (await marketer.PostAsJsonAsync(segments, new
        {
            code = "engaged", name = "Engaged", conditions = new { locale = German },
            scores = new { churnRisk = new { max = 50 } },
            engagement = new { emailsOpened = new { withinDays = 90, min = 1 }, daysSinceLastEngagement = new { max = 30 } },
        })).EnsureSuccessStatusCode();
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await SignInAsync(page, host, "browser-marketer");

        await page.GotoAsync(new Uri(host.Address, $"/admin/segments/{Program}/engaged/edit").ToString());
        await page.GetByLabel("Name").FillAsync("Engaged German speakers");
        await page.GetByRole(AriaRole.Button, new() { Name = "Count" }).ClickAsync();
        await Expect(page.GetByTestId("segment-count")).ToHaveTextAsync("The conditions select 0 members now.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The segment was saved");

        var saved = await marketer.GetFromJsonAsync<System.Text.Json.JsonElement>($"{segments}/engaged");
        Assert.Equal("Engaged German speakers", saved.GetProperty("name").GetString());
        Assert.Equal(30, saved.GetProperty("engagement").GetProperty("daysSinceLastEngagement").GetProperty("max").GetInt32());
        Assert.Equal(90, saved.GetProperty("engagement").GetProperty("emailsOpened").GetProperty("withinDays").GetInt32());
        Assert.Equal(50, saved.GetProperty("scores").GetProperty("churnRisk").GetProperty("max").GetInt32());
    }

    /// <summary>Runs the segment job at once (rather than at its next minute) and reloads the page until the evaluation is done.</summary>
    internal static async Task EvaluateSegmentsAsync(BrowserHost host, IPage page)
    {
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await scheduler.TriggerJob(new JobKey("EvaluateSegmentsJob", "campaigns"));
        for (var i = 0; i < 60; i++)
        {
            await page.ReloadAsync();
            if (await page.GetByTestId("segment-evaluation").InnerTextAsync() is var state && state.Contains("Evaluated", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(500);
        }
    }

    /// <summary>A program, three members (two German-speaking, all granting email marketing) and a marketer; answers the members' ids by first name.</summary>
    internal static async Task<Dictionary<string, Guid>> SeedAsync(BrowserHost host, string program = Program, string name = "Segment Screens")
    {
        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        using var integrator = await host.ApiKeyClientAsync(Roles.Integrator);
        (await admin.PostAsJsonAsync("/api/members/programs", new { code = program, name, timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();
        var ids = new Dictionary<string, Guid>();
        foreach (var (first, locale) in new[] { ("ada", "de"), ("bert", "de"), ("cleo", "en") })
        {
            var enrolled = await integrator.PostAsJsonAsync($"/api/members/programs/{program}/members", new
            {
                email = $"{first}@example.com", firstName = char.ToUpperInvariant(first[0]) + first[1..], lastName = "Tester", locale, externalId = $"seg-{first}", channel = "web",
            });
            enrolled.EnsureSuccessStatusCode();
            ids[first] = (await enrolled.Content.ReadFromJsonAsync<Enrolled>())!.Id;
        }

        (await admin.PostAsJsonAsync("/api/admin/users", new { userName = "browser-marketer", password = StaffPassword, roles = new[] { Roles.Marketer } })).EnsureSuccessStatusCode();
        return ids;
    }

    internal static Task SignInAsync(IPage page, BrowserHost host, string userName) =>
        host.SignInAsync(page, userName, StaffPassword);

    internal static ILocator Navigation(IPage page) => page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private sealed record Enrolled(Guid Id);
}
