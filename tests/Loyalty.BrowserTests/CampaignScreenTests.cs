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

/// <summary>The campaign screens at /admin/campaigns in a real browser, sending through a real SMTP server (aiosmtpd).</summary>
public sealed class CampaignScreenTests
{
    private const string Program = "camp-screens";

    private static readonly string[] German = ["de"];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_marketer_creates_a_campaign_for_a_segment_previews_it_for_a_member_sends_a_test_schedules_it_and_sees_its_statistics(DatabaseProvider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await BrowserHost.StartAsync(provider, smtp.Settings);
        var members = await SegmentScreenTests.SeedAsync(host, Program, "Campaign Screens");
        await SeedSegmentAndConsentAsync(host, members["ada"]);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await SegmentScreenTests.SignInAsync(page, host, "browser-marketer");

        await SegmentScreenTests.Navigation(page).GetByRole(AriaRole.Link, new() { Name = "Campaigns" }).ClickAsync();
        await Expect(page.GetByText("This program has no campaigns yet.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "New campaign" }).ClickAsync();

        // An unclosed for in the subject: the API's reason is shown at the subject.
        await page.GetByLabel("Name").FillAsync("Herbst");
        await page.GetByLabel("Segment").SelectOptionAsync("german");
        await page.GetByLabel("Language").Last.FillAsync("de");
        await page.GetByLabel("Subject template").FillAsync("Hallo {{ for offer in offers }}");
        await page.GetByLabel("Body template (HTML)").FillAsync("<p>Hallo {{ member.first_name }}, Sie haben {{ member.balance }} Punkte.</p><p><a href=\"{{ unsubscribe_url }}\">Abmelden</a></p>");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await Expect(page.Locator("#subject-error")).ToContainTextAsync("Line 1");
        await Expect(page.GetByLabel("Name")).ToHaveValueAsync("Herbst");
        await Screenshots.SaveAsync(page, "admin-campaign-editor-errors", fullPage: true);

        await page.GetByLabel("Subject template").FillAsync("Hallo {{ member.first_name }}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The campaign was saved.");
        await Expect(page.GetByTestId("campaign-status")).ToContainTextAsync("Status: Draft · audience: german");

        // The API's rendering for Ada: her name in the subject and in the body.
        await page.GetByLabel("Member id", new() { Exact = true }).FillAsync(members["ada"].ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview for member" }).ClickAsync();
        await Expect(page.GetByTestId("preview-subject")).ToHaveTextAsync("Hallo Ada");
        await Expect(page.FrameLocator("iframe[title='Preview of the body']").Locator("p").First).ToHaveTextAsync("Hallo Ada, Sie haben 0 Punkte.");
        await Screenshots.SaveAsync(page, "admin-campaign-preview", fullPage: true);

        // A test send asks first, then arrives at the SMTP server marked [Test].
        await page.GetByLabel("Test address").FillAsync("marketing@shop.example");
        await page.GetByLabel("Member whose data fills the template").FillAsync(members["ada"].ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Send test…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Send a test to marketing@shop.example?" })).ToBeVisibleAsync();
        Assert.Equal(0, smtp.Count);
        await Screenshots.SaveAsync(page, "admin-campaign-test-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the test" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "The test was sent to marketing@shop.example." })).ToBeVisibleAsync();
        var test = Assert.Single(smtp.Messages());
        Assert.Equal("marketing@shop.example", test.To.Mailboxes.Single().Address);
        Assert.Equal("[Test] Hallo Ada", test.Subject);
        Assert.Contains("Hallo Ada, Sie haben 0 Punkte.", test.HtmlBody, StringComparison.Ordinal);

        // Scheduling asks first; nothing changes until it is confirmed.
        await page.GetByRole(AriaRole.Link, new() { Name = "Schedule…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Schedule “Herbst”?" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("campaign-status")).ToContainTextAsync("Draft");
        await Expect(page.GetByLabel("Send at (Europe/Berlin)")).ToHaveValueAsync("2026-11-02T10:00");
        await Screenshots.SaveAsync(page, "admin-campaign-schedule-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Schedule the send" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The campaign is scheduled.");
        await Expect(page.GetByTestId("campaign-status")).ToContainTextAsync("Scheduled");

        // Sent by the send job: Ada consented, Bert did not; Cleo is not in the segment. The page follows the send by
        // reloading itself (the test does not reload it) and stops once it is sent.
        await Expect(page.GetByTestId("send-under-way")).ToContainTextAsync("this page refreshes itself");
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        for (var i = 0; i < 60 && !(await page.GetByTestId("campaign-status").InnerTextAsync()).Contains("Sent", StringComparison.Ordinal); i++)
        {
            if (i % 10 == 0)
            {
                await scheduler.TriggerJob(new JobKey("SendCampaignsJob", "campaigns"));
            }

            await Task.Delay(500);
        }

        await Expect(page.GetByTestId("send-under-way")).ToHaveCountAsync(0);

        await Expect(page.GetByTestId("campaign-status")).ToContainTextAsync("Status: Sent");
        await Expect(page.GetByTestId("figure-audience")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId("figure-sent")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("figure-delivered")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("figure-noConsent")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("figure-opened")).ToHaveTextAsync("0");
        await Expect(page.GetByTestId("send-progress")).ToHaveTextAsync("100 % of an audience of 2 dealt with");
        Assert.Equal(2, smtp.Count);
        Assert.Contains(smtp.Messages(), m => m.To.Mailboxes.Single().Address == "ada@example.com" && m.Subject == "Hallo Ada");
        await Screenshots.SaveAsync(page, "admin-campaign-statistics", fullPage: true);

        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the campaigns" }).ClickAsync();
        var list = page.GetByRole(AriaRole.Table, new() { Name = "Campaigns of Campaign Screens" });
        await Expect(list.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Expect(list).ToContainTextAsync("Herbst");
        await Expect(list).ToContainTextAsync("Sent");
        await Screenshots.SaveAsync(page, "admin-campaigns");
    }

    /// <summary>The segment of the German-speaking members, evaluated; the email purpose published and granted by <paramref name="consenting"/> only.</summary>
    internal static async Task SeedSegmentAndConsentAsync(BrowserHost host, Guid consenting, string program = Program)
    {
        using var dpo = await host.ApiKeyClientAsync(Roles.DataProtectionOfficer);
        using var integrator = await host.ApiKeyClientAsync(Roles.Integrator);
        using var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var purposes = $"/api/consent/programs/{program}/purposes";
        (await dpo.PostAsJsonAsync(purposes, new { key = ConsentPurposes.EmailMarketing, name = "Newsletter by email", description = "Our newsletter and offers by email." })).EnsureSuccessStatusCode();
        (await dpo.PostAsJsonAsync($"{purposes}/{ConsentPurposes.EmailMarketing}/versions", new { texts = new Dictionary<string, string> { ["en"] = "Yes, send me the newsletter.", ["de"] = "Ja, schickt mir den Newsletter." } })).EnsureSuccessStatusCode();
        var granted = await integrator.PostAsJsonAsync($"/api/consent/programs/{program}/members/{consenting}/consents",
            new { purpose = ConsentPurposes.EmailMarketing, channel = "email", textVersion = 1, locale = "de", source = "webForm", formId = "newsletter-signup" });
        Assert.True(granted.IsSuccessStatusCode, await granted.Content.ReadAsStringAsync());

        var segments = $"/api/campaigns/programs/{program}/segments";
        (await marketer.PostAsJsonAsync(segments, new { code = "german", name = "German speakers", marketing = false, conditions = new { locale = German } })).EnsureSuccessStatusCode();
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        for (var i = 0; i < 60; i++)
        {
            if (i % 10 == 0)
            {
                await scheduler.TriggerJob(new JobKey("EvaluateSegmentsJob", "campaigns"));
            }

            var segment = await marketer.GetFromJsonAsync<SegmentState>($"{segments}/german");
            if (segment!.Evaluation.State == "done" && segment.MemberCount == 2)
            {
                return;
            }

            await Task.Delay(500);
        }

        Assert.Fail("The segment was not evaluated to its two members.");
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private sealed record SegmentState(int MemberCount, EvaluationState Evaluation);

    private sealed record EvaluationState(string State);
}
