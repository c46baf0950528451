using System.Net.Http.Json;
using System.Text.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.Playwright;

namespace Loyalty.BrowserTests;

/// <summary>The public survey page in a real browser: answering, errors, expiry, keyboard only, a phone's screen.</summary>
public sealed class SurveyPageTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_member_answers_without_javascript_and_the_follow_up_question_appears_only_after_a_low_score(DatabaseProvider provider)
    {
        await using var survey = await SurveyUnderTest.StartAsync(provider);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false })).NewPageAsync();

        await page.GotoAsync(survey.Link.ToString());
        var followUp = page.GetByLabel("What went wrong?");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dinner" })).ToBeVisibleAsync();
        await Expect(followUp).ToBeHiddenAsync();
        await Screenshots.SaveAsync(page, "answer-form");

        await page.GetByLabel("3", new() { Exact = true }).CheckAsync();
        await Expect(followUp).ToBeVisibleAsync();
        await followUp.FillAsync("Cold soup");
        await Screenshots.SaveAsync(page, "answer-follow-up");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send answers" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you!" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "answer-thank-you");
        var results = await survey.Admin.GetFromJsonAsync<JsonElement>($"{survey.Surveys}/dinner/results");
        Assert.Equal(1, results.GetProperty("responses").GetInt32());
        Assert.Equal(1, results.GetProperty("questions")[0].GetProperty("nps").GetProperty("detractors").GetInt32());
        var texts = await survey.Admin.GetFromJsonAsync<JsonElement>($"{survey.Surveys}/dinner/text-answers?question=why");
        Assert.Contains("Cold soup", texts.GetRawText());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_missing_answer_is_shown_next_to_its_question(DatabaseProvider provider)
    {
        await using var survey = await SurveyUnderTest.StartAsync(provider);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();

        await page.GotoAsync(survey.Link.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Send answers" }).ClickAsync();

        var question = page.Locator("fieldset#q-nps");
        await Expect(question.Locator(".error")).ToHaveTextAsync("Error: Please answer this question.");
        await Expect(question).ToHaveAttributeAsync("aria-describedby", "q-nps-error");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("How likely are you to recommend us?: Please answer this question.");
        await Screenshots.SaveAsync(page, "validation-error");
        Assert.Equal(0, (await survey.Admin.GetFromJsonAsync<JsonElement>($"{survey.Surveys}/dinner/results")).GetProperty("responses").GetInt32());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_expired_link_says_the_survey_has_closed(DatabaseProvider provider)
    {
        await using var survey = await SurveyUnderTest.StartAsync(provider);
        survey.Host.Clock.Advance(TimeSpan.FromDays(8));
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();

        var response = await page.GotoAsync(survey.Link.ToString());

        Assert.Equal(410, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "This survey has closed" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(page, "expired-link");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_member_answers_with_the_keyboard_only(DatabaseProvider provider)
    {
        await using var survey = await SurveyUnderTest.StartAsync(provider);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();
        await page.GotoAsync(survey.Link.ToString());

        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator("#q-nps-0")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Space");
        for (var i = 0; i < 9; i++)
        {
            await page.Keyboard.PressAsync("ArrowRight");
        }

        await Expect(page.Locator("#q-nps-9")).ToBeCheckedAsync();
        // A promoter is not asked what went wrong: the next stop is the button.
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Send answers" })).ToBeFocusedAsync();
        await Screenshots.SaveAsync(page, "keyboard-focus");
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you!" })).ToBeVisibleAsync();
        var nps = (await survey.Admin.GetFromJsonAsync<JsonElement>($"{survey.Surveys}/dinner/results")).GetProperty("questions")[0].GetProperty("nps");
        Assert.Equal(1, nps.GetProperty("promoters").GetInt32());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_page_fits_a_phone_screen_and_is_answered_by_touch(DatabaseProvider provider)
    {
        await using var survey = await SurveyUnderTest.StartAsync(provider);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 360, Height = 740 },
            IsMobile = true,
            HasTouch = true,
            DeviceScaleFactor = 2,
        })).NewPageAsync();
        await page.GotoAsync(survey.Link.ToString());

        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "The page scrolls sideways on a phone.");
        var button = page.GetByRole(AriaRole.Button, new() { Name = "Send answers" });
        Assert.True((await button.BoundingBoxAsync())!.Width >= 300, "The button is not full width on a phone.");
        Assert.True((await page.Locator("label[for=q-nps-10]").BoundingBoxAsync())!.Height >= 44, "An NPS choice is smaller than a finger.");
        await Screenshots.SaveAsync(page, "mobile-form", fullPage: true);

        await page.Locator("label[for=q-nps-8]").TapAsync();
        await button.TapAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you!" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "mobile-thank-you");
        var nps = (await survey.Admin.GetFromJsonAsync<JsonElement>($"{survey.Surveys}/dinner/results")).GetProperty("questions")[0].GetProperty("nps");
        Assert.Equal(1, nps.GetProperty("passives").GetInt32());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_german_member_gets_the_page_in_german_whatever_the_browser_asks(DatabaseProvider provider)
    {
        await using var survey = await SurveyUnderTest.StartAsync(provider, memberLocale: "de-DE");
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US" })).NewPageAsync();

        await page.GotoAsync(survey.Link.ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Abendessen" })).ToBeVisibleAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "de");
        await page.GetByRole(AriaRole.Button, new() { Name = "Antworten senden" }).ClickAsync();

        var question = page.Locator("fieldset#q-nps");
        await Expect(question.Locator(".error")).ToHaveTextAsync("Fehler: Bitte beantworten Sie diese Frage.");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Bitte prüfen Sie Ihre Antworten");
        await Screenshots.SaveAsync(page, "validation-error-de");
        await page.GetByLabel("9", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Antworten senden" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Vielen Dank!" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "answer-thank-you-de");
        await page.GotoAsync(survey.Link.ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sie haben diese Umfrage schon beantwortet" })).ToBeVisibleAsync();
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);
}

/// <summary>A host with a program, a member and the published "dinner" survey, and the member's personal link.</summary>
internal sealed class SurveyUnderTest : IAsyncDisposable
{
    private SurveyUnderTest(BrowserHost host, HttpClient admin, string surveys, Uri link)
    {
        Host = host;
        Admin = admin;
        Surveys = surveys;
        Link = link;
    }

    public BrowserHost Host { get; }

    public HttpClient Admin { get; }

    public string Surveys { get; }

    public Uri Link { get; }

    public static async Task<SurveyUnderTest> StartAsync(DatabaseProvider provider, string? memberLocale = null)
    {
        var host = await BrowserHost.StartAsync(provider);
        var admin = await host.ApiKeyClientAsync(Roles.Admin);
        var integrator = await host.ApiKeyClientAsync(Roles.Integrator);
        var program = $"p{Guid.NewGuid():N}"[..12];
        (await admin.PostAsJsonAsync("/api/members/programs", new { code = program, name = "Browser Program", timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();
        var enrolled = await integrator.PostAsJsonAsync($"/api/members/programs/{program}/members", new { externalId = "browser-1", firstName = "Ada", channel = "web", locale = memberLocale });
        enrolled.EnsureSuccessStatusCode();
        var memberId = (await enrolled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var surveys = $"/api/feedback/programs/{program}/surveys";
        (await admin.PutAsJsonAsync($"{surveys}/dinner", new
        {
            defaultLocale = "en",
            title = new { en = "Dinner", de = "Abendessen" },
            linkValidDays = 7,
            allowAnonymous = true,
            questions = new object[]
            {
                new { id = "nps", type = "nps", text = new { en = "How likely are you to recommend us?", de = "Wie wahrscheinlich empfehlen Sie uns?" }, required = true },
                new { id = "why", type = "text", text = new { en = "What went wrong?", de = "Was lief schief?" }, required = true, showIf = new { question = "nps", lessThan = 7 } },
            },
        })).EnsureSuccessStatusCode();
        (await admin.PostAsync($"{surveys}/dinner/publish", null)).EnsureSuccessStatusCode();
        var sent = await integrator.PostAsJsonAsync($"{surveys}/dinner/sends", new { memberId, trigger = "browser" });
        sent.EnsureSuccessStatusCode();
        var link = new Uri(host.Address, (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("link").GetString());
        return new SurveyUnderTest(host, admin, surveys, link);
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>Screenshots of each page as test artifacts, in <c>LOYALTY_SCREENSHOTS</c> or <c>TestResults/screenshots</c> next to the tests.</summary>
internal static class Screenshots
{
    private static readonly string Directory = Environment.GetEnvironmentVariable("LOYALTY_SCREENSHOTS") is { Length: > 0 } configured
        ? configured
        : Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public static async Task SaveAsync(IPage page, string name, bool fullPage = false)
    {
        System.IO.Directory.CreateDirectory(Directory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Directory, $"{name}.png"), FullPage = fullPage });
    }
}
