using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Loyalty.Host.Tests.Campaigns;
using Loyalty.Host.Tests.Rewards;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Consent;

/// <summary>
/// "All sessions, API tokens and survey links of the member are revoked": every link an erased member holds (the
/// unsubscribe, open and click links of a sent email, personal survey links, an export's download link) stops working
/// through the modules' own erasure, run by a real erasure request.
/// </summary>
public sealed partial class ErasureRevocationTests : IDisposable
{
    private readonly string _exports = Path.Combine(Path.GetTempPath(), $"loyalty-exports-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_exports))
        {
            Directory.Delete(_exports, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task After_erasure_the_members_email_survey_and_download_links_answer_gone_or_not_found(DatabaseProvider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await LoyaltyHost.StartAsync(provider, new Dictionary<string, string?>(smtp.Settings)
        {
            ["Modules:Consent:ExportDirectory"] = _exports,
            ["Modules:Consent:SuppressionSecret"] = "a suppression secret of at least thirty-two characters",
        });
        var api = await SmtpCampaignTests.SetUpAsync(host);
        var dpo = await host.ApiKeyClientAsync(Roles.DataProtectionOfficer);
        var ada = await SmtpCampaignTests.EnrollAsync(api, "ada@example.com", "Ada", "en");
        var bert = await SmtpCampaignTests.EnrollAsync(api, "bert@example.com", "Bert", "en");
        var campaign = await SmtpCampaignTests.CreateAsync(api, new
        {
            name = "News", channel = "email", defaultLocale = "en", trackOpens = true, trackClicks = true,
            contents = new[] { new { locale = "en", subject = "News", body = "<p>Hello</p><a href=\"https://shop.example/offers\">Shop</a>" } },
        });
        await SmtpCampaignTests.ScheduleAsync(api, campaign, host.Clock.GetUtcNow());
        await SmtpCampaignTests.SendDueCampaignsAsync(host, api);
        var links = smtp.Messages().ToDictionary(m => m.To.Mailboxes.Single().Address, m => EmailLinks(m.HtmlBody!, m.Headers["List-Unsubscribe"]!));

        var surveys = $"/api/feedback/programs/{api.Members.Program}/surveys";
        (await api.Admin.PutAsJsonAsync($"{surveys}/dinner", new
        {
            defaultLocale = "en", title = new { en = "Dinner" },
            questions = new object[] { new { id = "nps", type = "nps", text = new { en = "Recommend us?" }, required = true } },
        })).EnsureSuccessStatusCode();
        (await api.Admin.PostAsync($"{surveys}/dinner/publish", null)).EnsureSuccessStatusCode();
        var answered = await SurveyLinkAsync(api, surveys, ada, "visit-1");
        var unanswered = await SurveyLinkAsync(api, surveys, ada, "visit-2");
        var bertsSurvey = await SurveyLinkAsync(api, surveys, bert, "visit-1");
        using var browser = host.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsync(answered, new FormUrlEncodedContent([new("q.nps", "9")]))).StatusCode);

        var access = await FileAsync(dpo, new { type = "access", memberId = ada, verification = "Signed in to the shop account" });
        Assert.Equal("completed", (await (await dpo.PostAsync($"/api/consent/requests/{access}/export", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        var download = (await (await dpo.PostAsync($"/api/consent/requests/{access}/export/link", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;

        // Before the erasure every link works.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(links["ada@example.com"].Unsubscribe)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(links["ada@example.com"].Open)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(unanswered)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await browser.GetAsync(answered)).StatusCode);

        var erasure = await FileAsync(dpo, new { type = "erasure", memberId = ada, verification = "Signed in to the shop account" });
        var erased = await (await dpo.PostAsync($"/api/consent/requests/{erasure}/erasure", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("completed", erased.GetProperty("status").GetString());

        var adas = links["ada@example.com"];
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(adas.Unsubscribe)).StatusCode);
        var oneClick = await browser.PostAsync(adas.Unsubscribe, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        Assert.Equal(HttpStatusCode.Gone, oneClick.StatusCode);
        Assert.Equal("application/problem+json", oneClick.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(adas.Open)).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(adas.Click)).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(answered)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(unanswered)).StatusCode);
        var downloaded = await dpo.GetAsync(download);
        Assert.Equal(HttpStatusCode.NotFound, downloaded.StatusCode);
        Assert.Equal("application/problem+json", downloaded.Content.Headers.ContentType?.MediaType);
        Assert.Empty(Directory.GetFiles(_exports));
        // The unsubscribe that no longer works recorded nothing for the erased member, and nothing changed for others.
        var messages = await SmtpCampaignTests.MessagesAsync(api, campaign);
        Assert.Equal(2, messages.Count(m => m.Status == "sent"));
        Assert.Equal(0, (await SmtpCampaignTests.GetAsync(api, campaign)).Progress!.Unsubscribed);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(links["bert@example.com"].Click)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(links["bert@example.com"].Unsubscribe)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(bertsSurvey)).StatusCode);
        var reports = erased.GetProperty("steps").EnumerateArray().Where(s => s.GetProperty("kind").GetString() == "erasure")
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("report").GetProperty("erased").EnumerateArray().Select(e => e.GetString()).ToList());
        Assert.Contains("personal survey links (revoked)", reports["feedback"]);
        Assert.Contains("unsubscribe, open and click links of sent messages (revoked)", reports["campaigns"]);
        Assert.Contains("export archives and their download links", reports["consent"]);
    }

    private static (string Unsubscribe, string Open, string Click) EmailLinks(string html, string listUnsubscribe) => (
        new Uri(listUnsubscribe.Trim('<', '>')).PathAndQuery,
        new Uri(WebUtility.HtmlDecode(OpenUrl().Match(html).Groups["url"].Value)).PathAndQuery,
        new Uri(WebUtility.HtmlDecode(ClickUrl().Match(html).Groups["url"].Value)).PathAndQuery);

    private static async Task<string> SurveyLinkAsync(RewardsApi api, string surveys, Guid memberId, string trigger)
    {
        var sent = await api.Pos.PostAsJsonAsync($"{surveys}/dinner/sends", new { memberId, trigger });
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        return (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("link").GetString()!;
    }

    private static async Task<Guid> FileAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/consent/requests", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [GeneratedRegex("src=\"(?<url>http://localhost/api/campaigns/m/open/[^\"]+)\"")]
    private static partial Regex OpenUrl();

    [GeneratedRegex("href=\"(?<url>http://localhost/api/campaigns/m/click/[^\"]+)\"")]
    private static partial Regex ClickUrl();
}
