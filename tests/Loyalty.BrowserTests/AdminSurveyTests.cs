using System.Net.Http.Json;
using System.Text.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Quartz;

namespace Loyalty.BrowserTests;

/// <summary>The admin UI's survey screens in a real browser: results with NPS and trend, text answers, CSV, review moderation.</summary>
public sealed class AdminSurveyTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_marketer_picks_a_survey_and_sees_its_nps_trend_response_rates_distribution_and_text_answers(DatabaseProvider provider)
    {
        await using var feedback = await FeedbackUnderTest.StartAsync(provider);
        await feedback.AnswerAsync(0, nps: 10, stars: 5, with: "family", comment: "Lovely staff");
        await feedback.AnswerAsync(1, nps: 3, stars: 2, with: "alone", comment: "Cold soup");
        feedback.Host.Clock.Advance(TimeSpan.FromDays(7));
        await feedback.AnswerAsync(2, nps: 9, stars: 4, with: "family", comment: null);
        await feedback.AnswerAsync(3, nps: 7, stars: 4, with: null, comment: "Too loud, soup was fine");
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB", ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await SignInAsync(page, feedback.Host, feedback.MarketerUserName, FeedbackUnderTest.Password);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "Surveys" }).ClickAsync();
        await page.GetByLabel("Program").SelectOptionAsync(feedback.Program);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Dinner" });
        await Expect(row).ToContainTextAsync("Published");
        await Screenshots.SaveAsync(page, "admin-surveys");
        await row.GetByRole(AriaRole.Link, new() { Name = "Results of Dinner" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Survey results" })).ToBeVisibleAsync();
        await page.GetByLabel("Trend per").SelectOptionAsync("week");
        await page.GetByLabel("From").FillAsync("2026-10-26");
        await page.GetByLabel("To (inclusive)").FillAsync("2026-11-15");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();

        await Expect(page.Locator("#responses")).ToHaveTextAsync("4");
        // Two promoters, one passive, one detractor: (2 - 1) / 4 = 25.
        await Expect(page.Locator("tr[data-nps=nps] td")).ToHaveTextAsync(["25", "2", "1", "1", "4"]);
        await Expect(page.Locator("#nps-trend svg path").First).ToBeAttachedAsync();
        await page.GetByText("The trend as a table").ClickAsync();
        var trendRows = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Nov 2026" });
        await Expect(trendRows).ToHaveCountAsync(2);
        await Expect(trendRows.Nth(0)).ToContainTextAsync("2 Nov 2026");
        await Expect(trendRows.Nth(0).Locator("td").Nth(1)).ToHaveTextAsync("0");
        await Expect(trendRows.Nth(1).Locator("td").Nth(1)).ToHaveTextAsync("50");
        await Expect(page.Locator("#response-rates tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#response-rates tbody tr").Filter(new() { HasText = "api:dinner" }).Locator("td")).ToHaveTextAsync(["api:dinner", "4", "4", "100.0%"]);
        await Expect(page.Locator("#response-rates tbody tr").Filter(new() { HasText = "api:reminder" }).Locator("td")).ToHaveTextAsync(["api:reminder", "1", "0", "0.0%"]);
        var stars = page.Locator("[data-distribution=stars] tbody tr");
        await Expect(stars).ToHaveCountAsync(5);
        await Expect(stars.Nth(3).Locator("td").Nth(1)).ToHaveTextAsync("2");
        await Expect(page.Locator("[data-distribution=with] tbody tr").Filter(new() { HasText = "Family" }).Locator("td").Nth(1)).ToHaveTextAsync("2");
        await Expect(page.Locator("#text-answers tbody tr")).ToHaveCountAsync(3);
        await Screenshots.SaveAsync(page, "admin-survey-results", fullPage: true);

        await page.GetByLabel("Text contains").FillAsync("soup");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page.Locator("#text-answers tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#text-answers")).Not.ToContainTextAsync("Lovely staff");
        Assert.DoesNotContain("soup", page.Url, StringComparison.OrdinalIgnoreCase);
        // The period stays as chosen after the post.
        await Expect(page.GetByLabel("From")).ToHaveValueAsync("2026-10-26");

        var href = await page.GetByRole(AriaRole.Link, new() { Name = "Download text answers as CSV" }).GetAttributeAsync("href");
        // The browser's own session downloads it: the link goes to the API, which authorizes the signed-in person.
        var csv = await context.APIRequest.GetAsync(new Uri(feedback.Host.Address, href).ToString());
        Assert.Equal(200, csv.Status);
        var lines = (await csv.TextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("responseId,surveyVersion,questionId,tier,submittedAt,text", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.Contains(lines, line => line.EndsWith(",Cold soup", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_marketer_sees_the_nps_per_tier_and_narrows_the_results_to_a_segment(DatabaseProvider provider)
    {
        await using var feedback = await FeedbackUnderTest.StartAsync(provider);
        await feedback.GiveSilverTierAsync(member: 0);
        await feedback.CreateSegmentAsync("regulars", "Regulars", members: [0, 1]);
        await feedback.AnswerAsync(0, nps: 10, stars: 5, with: null, comment: null);
        await feedback.AnswerAsync(1, nps: 3, stars: 2, with: null, comment: null);
        await feedback.AnswerAsync(2, nps: 9, stars: 4, with: null, comment: null);
        await feedback.AnswerAsync(3, nps: 7, stars: 4, with: null, comment: null);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB", ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await SignInAsync(page, feedback.Host, feedback.MarketerUserName, FeedbackUnderTest.Password);
        await page.GotoAsync(new Uri(feedback.Host.Address, $"/admin/surveys/results?program={feedback.Program}&survey=dinner").ToString());

        await Expect(page.Locator("#responses")).ToHaveTextAsync("4");
        await Expect(page.Locator("tr[data-nps-tier=silver] > *")).ToHaveTextAsync(["silver", "100", "1", "0", "0", "1"]);
        // 9 is a promoter, 7 a passive, 3 a detractor: (1 - 1) / 3 = 0.
        await Expect(page.Locator("tr[data-nps-tier='(none)'] > *")).ToHaveTextAsync(["No tier", "0", "1", "1", "1", "3"]);
        await Expect(page.Locator("#segment-scope")).ToHaveCountAsync(0);

        await page.GetByLabel("Segment").SelectOptionAsync(new SelectOptionValue { Label = "Regulars" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();

        await Expect(page.Locator("#segment-scope")).ToContainTextAsync("Regulars");
        await Expect(page.Locator("#responses")).ToHaveTextAsync("2");
        // The silver promoter and the detractor: (1 - 1) / 2 = 0.
        await Expect(page.Locator("tr[data-nps=nps] td")).ToHaveTextAsync(["0", "1", "0", "1", "2"]);
        await Expect(page.Locator("tr[data-nps-tier='(none)'] > *")).ToHaveTextAsync(["No tier", "-100", "0", "0", "1", "1"]);
        await Expect(page.GetByLabel("Segment")).ToHaveValueAsync("regulars");
        Assert.Contains("segment=regulars", page.Url, StringComparison.Ordinal);
        await Screenshots.SaveAsync(page, "admin-survey-results-segment", fullPage: true);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Support_staff_see_survey_results_but_no_moderation_queue(DatabaseProvider provider)
    {
        await using var feedback = await FeedbackUnderTest.StartAsync(provider);
        var support = await feedback.CreateUserAsync(Roles.Support);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();
        await SignInAsync(page, feedback.Host, support, FeedbackUnderTest.Password);

        var navigation = page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });
        await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Surveys" })).ToBeVisibleAsync();
        await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Review moderation" })).ToHaveCountAsync(0);
        var response = await page.GotoAsync(new Uri(feedback.Host.Address, $"/admin/surveys/reviews?program={feedback.Program}").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Review moderation" })).ToHaveCountAsync(0);
        Assert.DoesNotContain("Lovely", await page.ContentAsync(), StringComparison.Ordinal);
        Assert.NotEqual(200, response!.Status);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_marketer_approves_a_review_and_rejects_another_only_with_a_reason_and_after_confirming(DatabaseProvider provider)
    {
        await using var feedback = await FeedbackUnderTest.StartAsync(provider);
        var approved = await feedback.ReviewAsync("r-1", "store", "berlin-mitte", 5, "Lovely staff, quick service.");
        var rejected = await feedback.ReviewAsync("r-2", "product", "sku-77", 1, "Call Hans at the counter, he is rude.");
        var waiting = await feedback.ReviewAsync("r-3", "product", "sku-12", 4, "Good value.");
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB", ViewportSize = new ViewportSize { Width = 1280, Height = 900 } })).NewPageAsync();
        await SignInAsync(page, feedback.Host, feedback.MarketerUserName, FeedbackUnderTest.Password);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "Review moderation" }).ClickAsync();
        await page.GetByLabel("Program").SelectOptionAsync(feedback.Program);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page.GetByText("3 reviews waiting, oldest first.")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "admin-review-queue", fullPage: true);

        await Review(page, approved).GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The review was approved and is shown.");
        await Expect(Review(page, approved)).ToHaveCountAsync(0);
        Assert.Equal("approved", await feedback.StatusOfAsync(approved));

        await Review(page, rejected).GetByRole(AriaRole.Link, new() { Name = "Reject…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Reject this review?" })).ToBeVisibleAsync();
        Assert.Equal("pending", await feedback.StatusOfAsync(rejected));
        await page.GetByRole(AriaRole.Button, new() { Name = "Reject review" }).ClickAsync();
        // The API's reason, next to the field it names; nothing was decided.
        await Expect(page.Locator("#reason-error")).ToHaveTextAsync("Give the reason for a rejection, 1-500 characters.");
        await Expect(page.GetByLabel("Reason for the rejection")).ToHaveAttributeAsync("aria-describedby", "reason-error");
        await Screenshots.SaveAsync(page, "admin-review-reject-reason");
        Assert.Equal("pending", await feedback.StatusOfAsync(rejected));

        await page.GetByLabel("Reason for the rejection").FillAsync("Names a member of staff.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reject review" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The review was rejected.");
        await Expect(Review(page, rejected)).ToHaveCountAsync(0);
        await Expect(Review(page, waiting)).ToBeVisibleAsync();
        Assert.Equal("rejected", await feedback.StatusOfAsync(rejected));
        Assert.Equal("pending", await feedback.StatusOfAsync(waiting));

        await Review(page, waiting).GetByRole(AriaRole.Link, new() { Name = "Reject…" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Reject this review?" })).ToHaveCountAsync(0);
        Assert.Equal("pending", await feedback.StatusOfAsync(waiting));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_marketer_builds_a_draft_survey_sees_the_api_errors_at_the_fields_and_publishes_it_after_confirming(DatabaseProvider provider)
    {
        await using var feedback = await FeedbackUnderTest.StartAsync(provider);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB", ViewportSize = new ViewportSize { Width = 1280, Height = 900 } })).NewPageAsync();
        await SignInAsync(page, feedback.Host, feedback.MarketerUserName, FeedbackUnderTest.Password);
        await page.GotoAsync(new Uri(feedback.Host.Address, $"/admin/surveys?program={feedback.Program}").ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "New survey" }).ClickAsync();

        // No key, and a single choice question (in the third slot, the second sent) with one choice only.
        await page.GetByLabel("Title").FillAsync("After your visit");
        await page.Locator("#q0-type").SelectOptionAsync("nps");
        await page.Locator("#q0-id").FillAsync("nps");
        await page.Locator("#q0-text").FillAsync("Would you recommend us?");
        await page.Locator("#q2-type").SelectOptionAsync("single");
        await page.Locator("#q2-id").FillAsync("with");
        await page.Locator("#q2-text").FillAsync("Who were you with?");
        await page.Locator("#q2-choices").FillAsync("alone=Alone");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();

        await Expect(page.Locator("#key-error")).ToHaveTextAsync("Use 2-50 lower-case letters, digits and dashes, starting with a letter.");
        await Expect(page.Locator("#q2-choices-count-error")).ToHaveTextAsync("Give 2-20 choices.");
        await Expect(page.Locator("#q2-text")).ToHaveValueAsync("Who were you with?");
        await Screenshots.SaveAsync(page, "admin-survey-builder-errors", fullPage: true);

        await page.Locator("#key").FillAsync("visit");
        await page.Locator("#q1-type").SelectOptionAsync("rating");
        await page.Locator("#q1-id").FillAsync("stars");
        await page.Locator("#q1-text").FillAsync("How was the food?");
        await page.Locator("#q2-choices").FillAsync("alone=Alone\nfamily=Family");
        await page.Locator("#q3-type").SelectOptionAsync("text");
        await page.Locator("#q3-id").FillAsync("comment");
        await page.Locator("#q3-text").FillAsync("Anything else?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The survey was saved as a draft.");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "After your visit" });
        await Expect(row).ToContainTextAsync("Draft");
        var saved = await feedback.SurveyAsync("visit");
        Assert.Equal("draft", saved.GetProperty("status").GetString());
        Assert.Equal(["nps", "stars", "with", "comment"], saved.GetProperty("definition").GetProperty("questions").EnumerateArray().Select(q => q.GetProperty("id").GetString()));
        Assert.Equal(2, saved.GetProperty("definition").GetProperty("questions")[2].GetProperty("choices").GetArrayLength());

        await row.GetByRole(AriaRole.Link, new() { Name = "Publish After your visit…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Publish version 1 of After your visit?" })).ToBeVisibleAsync();
        Assert.Equal("draft", (await feedback.SurveyAsync("visit")).GetProperty("status").GetString());
        await Screenshots.SaveAsync(page, "admin-survey-publish");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The survey was published.");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "After your visit" })).ToContainTextAsync("Published");
        Assert.Equal("published", (await feedback.SurveyAsync("visit")).GetProperty("status").GetString());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_German_browser_gets_the_survey_screens_in_German(DatabaseProvider provider)
    {
        await using var feedback = await FeedbackUnderTest.StartAsync(provider);
        await feedback.ReviewAsync("r-1", "store", "berlin-mitte", 4, "Gut.");
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "de-DE" })).NewPageAsync();
        await page.GotoAsync(new Uri(feedback.Host.Address, "/admin/sign-in").ToString());
        await page.GetByLabel("Benutzername").FillAsync(feedback.MarketerUserName);
        await page.GetByLabel("Passwort").FillAsync(FeedbackUnderTest.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmelden" }).ClickAsync();

        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Bewertungen moderieren" }).ClickAsync();
        await page.GetByLabel("Programm").SelectOptionAsync(feedback.Program);
        await page.GetByRole(AriaRole.Button, new() { Name = "Anzeigen" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Bewertungen moderieren" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Freigeben" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Umfragen" }).ClickAsync();
        await page.GetByLabel("Programm").SelectOptionAsync(feedback.Program);
        await page.GetByRole(AriaRole.Button, new() { Name = "Anzeigen" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Abendessen" })).ToContainTextAsync("Veröffentlicht");
    }

    private static ILocator Review(IPage page, Guid id) => page.Locator($"[data-review='{id}']");

    private static Task SignInAsync(IPage page, BrowserHost host, string userName, string password) =>
        host.SignInAsync(page, userName, password);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}

/// <summary>
/// A host with a program, four members, a published "dinner" survey (NPS, stars, a choice, a comment) sent to each
/// member after dinner and once more to the first as a reminder, and a marketer who signs in to the UI.
/// </summary>
internal sealed class FeedbackUnderTest : IAsyncDisposable
{
    public const string Password = "a long enough password for tests";

    private readonly HttpClient _admin;
    private readonly HttpClient _integrator;
    private readonly List<Guid> _members;
    private readonly List<Uri> _links;

    private FeedbackUnderTest(BrowserHost host, HttpClient admin, HttpClient integrator, string program, List<Guid> members, List<Uri> links, string marketer)
    {
        Host = host;
        _admin = admin;
        _integrator = integrator;
        Program = program;
        _members = members;
        _links = links;
        MarketerUserName = marketer;
    }

    public BrowserHost Host { get; }

    public string Program { get; }

    public string MarketerUserName { get; }

    public static async Task<FeedbackUnderTest> StartAsync(DatabaseProvider provider)
    {
        var host = await BrowserHost.StartAsync(provider);
        var admin = await host.ApiKeyClientAsync(Roles.Admin);
        var integrator = await host.ApiKeyClientAsync(Roles.Integrator);
        // A second program, so that picking one matters.
        (await admin.PostAsJsonAsync("/api/members/programs", new { code = "aaa-other", name = "Other Program", timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();
        var program = $"p{Guid.NewGuid():N}"[..12];
        (await admin.PostAsJsonAsync("/api/members/programs", new { code = program, name = "Bistro Club", timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();
        var surveys = $"/api/feedback/programs/{program}/surveys";
        (await admin.PutAsJsonAsync($"{surveys}/dinner", new
        {
            defaultLocale = "en",
            title = new { en = "Dinner", de = "Abendessen" },
            linkValidDays = 30,
            questions = new object[]
            {
                new { id = "nps", type = "nps", text = new { en = "How likely are you to recommend us?" }, required = true },
                new { id = "stars", type = "rating", text = new { en = "How was the food?" }, required = true },
                new { id = "with", type = "single", text = new { en = "Who were you with?" }, required = false, choices = new object[] { new { id = "alone", text = new { en = "Alone" } }, new { id = "family", text = new { en = "Family" } } } },
                new { id = "comment", type = "text", text = new { en = "Anything else?" }, required = false },
            },
        })).EnsureSuccessStatusCode();
        (await admin.PostAsync($"{surveys}/dinner/publish", null)).EnsureSuccessStatusCode();

        var members = new List<Guid>();
        var links = new List<Uri>();
        for (var i = 0; i < 4; i++)
        {
            var enrolled = await integrator.PostAsJsonAsync($"/api/members/programs/{program}/members", new { externalId = $"guest-{i}", firstName = "Guest", channel = "web" });
            enrolled.EnsureSuccessStatusCode();
            var memberId = (await enrolled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            members.Add(memberId);
            links.Add(await SendAsync(host, integrator, surveys, memberId, "dinner"));
        }

        await SendAsync(host, integrator, surveys, members[0], "reminder");
        var marketer = $"marketer-{Guid.NewGuid():N}"[..20];
        (await admin.PostAsJsonAsync("/api/admin/users", new { userName = marketer, password = Password, roles = new[] { Roles.Marketer } })).EnsureSuccessStatusCode();
        return new FeedbackUnderTest(host, admin, integrator, program, members, links, marketer);
    }

    /// <summary>Answers the member's link as their browser would post the survey page.</summary>
    public async Task AnswerAsync(int member, int nps, int stars, string? with, string? comment)
    {
        var fields = new Dictionary<string, string> { ["q.nps"] = nps.ToString(System.Globalization.CultureInfo.InvariantCulture), ["q.stars"] = stars.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (with is not null)
        {
            fields["q.with"] = with;
        }

        if (comment is not null)
        {
            fields["q.comment"] = comment;
        }

        using var client = new HttpClient();
        var answered = await client.PostAsync(_links[member], new FormUrlEncodedContent(fields));
        Assert.True(answered.IsSuccessStatusCode, $"The answer was refused: {(int)answered.StatusCode}");
    }

    /// <summary>Gives the program a bronze/silver ladder and the member a purchase that reaches silver.</summary>
    public async Task GiveSilverTierAsync(int member)
    {
        object[] ladder =
        [
            new { code = "bronze", name = "Bronze", rank = 1, threshold = 0, earningMultiplier = 1.0m },
            new { code = "silver", name = "Silver", rank = 2, threshold = 500, earningMultiplier = 1.0m },
        ];
        (await _admin.PutAsJsonAsync($"/api/members/programs/{Program}/tiers", new { basis = "QualifyingPoints", window = "Rolling12Months", tiers = ladder })).EnsureSuccessStatusCode();
        var purchase = new { externalId = $"T-{member}", memberId = _members[member], occurredAt = Host.Clock.GetUtcNow(), currency = "EUR", total = 60_000, channel = "pos", lines = Array.Empty<object>() };
        var bought = await _integrator.PostAsJsonAsync($"/api/members/programs/{Program}/transactions", purchase);
        Assert.True(bought.IsSuccessStatusCode, await bought.Content.ReadAsStringAsync());
        var tier = await _admin.GetFromJsonAsync<JsonElement>($"/api/members/programs/{Program}/members/{_members[member]}");
        Assert.Equal("silver", tier.GetProperty("tier").GetString());
    }

    /// <summary>A static segment of the given members, evaluated by the host's own job before this returns.</summary>
    public async Task CreateSegmentAsync(string code, string name, int[] members)
    {
        var segments = $"/api/campaigns/programs/{Program}/segments";
        (await _admin.PostAsJsonAsync(segments, new { code, name, marketing = false, members = new { ids = members.Select(m => _members[m]).ToArray() } })).EnsureSuccessStatusCode();
        var scheduler = await Host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var segment = await _admin.GetFromJsonAsync<JsonElement>($"{segments}/{code}");
            if (segment.GetProperty("evaluation").GetProperty("state").GetString() == "done")
            {
                Assert.Equal(members.Length, segment.GetProperty("memberCount").GetInt32());
                return;
            }

            await scheduler.TriggerJob(new JobKey("EvaluateSegmentsJob", "campaigns"));
            await Task.Delay(200);
        }

        Assert.Fail($"The segment '{code}' was not evaluated.");
    }

    public async Task<string> CreateUserAsync(string role)
    {
        var userName = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}"[..20];
        (await _admin.PostAsJsonAsync("/api/admin/users", new { userName, password = Password, roles = new[] { role } })).EnsureSuccessStatusCode();
        return userName;
    }

    public async Task<Guid> ReviewAsync(string externalId, string subjectType, string subjectId, int rating, string text)
    {
        var response = await _integrator.PostAsJsonAsync($"/api/feedback/programs/{Program}/reviews", new { externalId, memberId = _members[0], subjectType, subjectId, rating, text });
        response.EnsureSuccessStatusCode();
        Host.Clock.Advance(TimeSpan.FromMinutes(1));
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public Task<JsonElement> SurveyAsync(string key) => _admin.GetFromJsonAsync<JsonElement>($"/api/feedback/programs/{Program}/surveys/{key}");

    public async Task<string> StatusOfAsync(Guid review)
    {
        var all = await _admin.GetFromJsonAsync<JsonElement>($"/api/feedback/programs/{Program}/reviews?take=500");
        return all.EnumerateArray().Single(r => r.GetProperty("id").GetGuid() == review).GetProperty("status").GetString()!;
    }

    private static async Task<Uri> SendAsync(BrowserHost host, HttpClient integrator, string surveys, Guid memberId, string trigger)
    {
        var sent = await integrator.PostAsJsonAsync($"{surveys}/dinner/sends", new { memberId, trigger });
        sent.EnsureSuccessStatusCode();
        return new Uri(host.Address, (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("link").GetString());
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        _integrator.Dispose();
        await Host.DisposeAsync();
    }
}
