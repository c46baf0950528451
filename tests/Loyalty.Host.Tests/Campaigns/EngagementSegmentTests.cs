using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Loyalty.Host.Tests.Rewards;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Campaigns;

/// <summary>
/// Rule segments on engagement: email opens and clicks recorded through the real tracking links of a sent campaign,
/// survey answers through the real answer page, activities posted through the API; the preview counts what the
/// evaluation materialises.
/// </summary>
public sealed partial class EngagementSegmentTests
{
    private static readonly object Everyone = new { daysSinceEnrollment = new { min = 0 } };

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Opens_clicks_survey_answers_and_posted_activities_select_the_members_who_engaged_and_max_0_those_who_never_did(DatabaseProvider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await LoyaltyHost.StartAsync(provider, smtp.Settings, schedulerHeld: true);
        var api = await SmtpCampaignTests.SetUpAsync(host);
        var opener = await SmtpCampaignTests.EnrollAsync(api, "opener@example.com", "Olga", "en");
        var clicker = await SmtpCampaignTests.EnrollAsync(api, "clicker@example.com", "Carl", "en");
        var surveyor = await SmtpCampaignTests.EnrollAsync(api, "surveyor@example.com", "Sue", "en");
        var poster = await SmtpCampaignTests.EnrollAsync(api, "poster@example.com", "Paul", "en");
        var idle = await SmtpCampaignTests.EnrollAsync(api, "idle@example.com", "Ida", "en");
        host.Clock.Advance(TimeSpan.FromDays(1));

        // Everyone gets the email; the opener loads the pixel, the clicker follows the link.
        var campaign = await SmtpCampaignTests.CreateAsync(api, new
        {
            name = "News", channel = "email", defaultLocale = "en", trackOpens = true, trackClicks = true,
            contents = new[] { new { locale = "en", subject = "News", body = "<p>Hello</p><a href=\"https://shop.example/offers\">Shop</a>" } },
        });
        await SmtpCampaignTests.ScheduleAsync(api, campaign, host.Clock.GetUtcNow());
        await SmtpCampaignTests.SendDueCampaignsAsync(host, api);
        var html = smtp.Messages().ToDictionary(m => m.To.Mailboxes.Single().Address, m => m.HtmlBody!);
        Assert.Equal(5, html.Count);
        using var browser = host.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(Link(OpenUrl(), html["opener@example.com"]))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(Link(ClickUrl(), html["clicker@example.com"]))).StatusCode);

        // The surveyor answers a survey through their personal link.
        var surveys = $"/api/feedback/programs/{api.Members.Program}/surveys";
        (await api.Admin.PutAsJsonAsync($"{surveys}/dinner", new
        {
            defaultLocale = "en", title = new { en = "Dinner" },
            questions = new object[] { new { id = "nps", type = "nps", text = new { en = "Recommend us?" }, required = true } },
        })).EnsureSuccessStatusCode();
        (await api.Admin.PostAsync($"{surveys}/dinner/publish", null)).EnsureSuccessStatusCode();
        var sent = await api.Pos.PostAsJsonAsync($"{surveys}/dinner/sends", new { memberId = surveyor, trigger = "visit-1" });
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        var surveyLink = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("link").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsync(surveyLink, new FormUrlEncodedContent([new("q.nps", "9")]))).StatusCode);

        // The poster checks in through the app: an activity of a type the program defines.
        var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var activities = $"/api/campaigns/programs/{api.Members.Program}";
        Assert.Equal(HttpStatusCode.Created, (await marketer.PostAsJsonAsync($"{activities}/activity-types", new { code = "app-check-in", name = "App check-in" })).StatusCode);
        var posted = await api.Pos.PostAsJsonAsync($"{activities}/activities",
            new { externalId = "C-1", memberId = poster, type = "app-check-in", occurredAt = host.Clock.GetUtcNow().AddMinutes(-1) });
        Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
        // The platform's own enrolment activities are not engagement.
        await host.RunJobAsync("campaigns", "RecordPendingActivitiesJob");

        var segments = new Segments(api, host);
        await segments.AssertAsync("opened", new { emailsOpened = new { withinDays = 90, min = 1 } }, [opener, clicker]);
        await segments.AssertAsync("clicked", new { emailsClicked = new { withinDays = 90, min = 1 } }, [clicker]);
        await segments.AssertAsync("answered", new { surveysAnswered = new { withinDays = 365, min = 1 } }, [surveyor]);
        await segments.AssertAsync("recent", new { daysSinceLastEngagement = new { max = 30 } }, [opener, clicker, surveyor, poster]);
        await segments.AssertAsync("never-opened", new { emailsOpened = new { max = 0 } }, [surveyor, poster, idle]);
        await segments.AssertAsync("never-answered", new { surveysAnswered = new { max = 0 } }, [opener, clicker, poster, idle]);
        await segments.AssertAsync("opened-not-clicked", new { emailsOpened = new { min = 1 }, emailsClicked = new { max = 0 } }, [opener]);

        // Forty days later the engagement lies outside a 30-day window and the last engagement is 40 days ago.
        host.Clock.Advance(TimeSpan.FromDays(40));
        await segments.AssertAsync("opened-30", new { emailsOpened = new { withinDays = 30, min = 1 } }, []);
        await segments.AssertAsync("opened-90", new { emailsOpened = new { withinDays = 90, min = 1 } }, [opener, clicker]);
        await segments.AssertAsync("recent-later", new { daysSinceLastEngagement = new { max = 30 } }, []);
        await segments.AssertAsync("lapsed", new { daysSinceLastEngagement = new { min = 40, max = 40 } }, [opener, clicker, surveyor, poster]);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Invalid_engagement_conditions_are_refused_naming_the_field_and_static_segments_take_none(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider, schedulerHeld: true);
        var api = await RewardsApi.CreateAsync(host);
        var member = await api.Members.EnrollAsync("m-1");
        var segments = $"/api/campaigns/programs/{api.Members.Program}/segments";

        var invalid = await api.Admin.PostAsJsonAsync(segments, new
        {
            code = "bad", name = "Bad", conditions = Everyone,
            engagement = new
            {
                emailsOpened = new { withinDays = 0, min = 1 },
                emailsClicked = new { min = 3, max = 1 },
                surveysAnswered = new { withinDays = 30 },
                daysSinceLastEngagement = new { min = -1 },
            },
        });
        Assert.Equal(
            ["engagement.daysSinceLastEngagement.min", "engagement.emailsClicked.max", "engagement.emailsOpened.withinDays", "engagement.surveysAnswered"],
            await ErrorsAsync(invalid));
        Assert.Equal(["engagement"], await ErrorsAsync(await api.Admin.PostAsJsonAsync(segments, new { code = "empty", name = "Empty", conditions = Everyone, engagement = new { } })));
        Assert.Equal(["engagement"], await ErrorsAsync(await api.Admin.PostAsJsonAsync(segments, new
        {
            code = "list", name = "List", members = new { ids = new[] { member } }, engagement = new { emailsOpened = new { min = 1 } },
        })));
        Assert.Equal(["engagement.emailsOpened.withinDays"], await ErrorsAsync(await api.Admin.PostAsJsonAsync($"{segments}/preview", new
        {
            conditions = Everyone, engagement = new { emailsOpened = new { withinDays = 40_000, min = 1 } },
        })));

        var misspelt = await api.Admin.PostAsJsonAsync(segments, new { code = "typo", name = "Typo", conditions = Everyone, engagement = new { emailsOpend = new { min = 1 } } });
        Assert.Equal(HttpStatusCode.BadRequest, misspelt.StatusCode);
        var misspeltPreview = await api.Admin.PostAsJsonAsync($"{segments}/preview", new { conditions = Everyone, engagement = new { emailsOpened = new { min = 1, within = 3 } } });
        Assert.Equal(HttpStatusCode.BadRequest, misspeltPreview.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Admin.GetAsync($"{segments}/typo")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Admin.GetAsync($"{segments}/bad")).StatusCode);
    }

    private static async Task<List<string>> ErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return [.. (await response.Content.ReadFromJsonAsync<SmtpCampaignTests.Problem>())!.Errors.Keys.Order(StringComparer.Ordinal)];
    }

    private static string Link(Regex pattern, string html) => new Uri(WebUtility.HtmlDecode(pattern.Match(html).Groups["url"].Value)).PathAndQuery;

    /// <summary>Previews an engagement segment over every member, creates it, evaluates it and compares both with the expected members.</summary>
    private sealed class Segments(RewardsApi api, LoyaltyHost host)
    {
        private readonly string _path = $"/api/campaigns/programs/{api.Members.Program}/segments";

        public async Task AssertAsync(string code, object engagement, Guid[] expected)
        {
            var preview = await api.Admin.PostAsJsonAsync($"{_path}/preview", new { conditions = Everyone, engagement });
            Assert.True(preview.IsSuccessStatusCode, await preview.Content.ReadAsStringAsync());
            Assert.Equal(expected.Length, (await preview.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt32());

            var created = await api.Admin.PostAsJsonAsync(_path, new { code, name = code, conditions = Everyone, engagement });
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            await host.RunJobAsync("campaigns", "EvaluateSegmentsJob");
            var segment = await api.Admin.GetFromJsonAsync<JsonElement>($"{_path}/{code}");
            Assert.Equal("done", segment.GetProperty("evaluation").GetProperty("state").GetString());
            var stored = segment.GetProperty("engagement");
            foreach (var condition in JsonSerializer.SerializeToElement(engagement, JsonSerializerOptions.Web).EnumerateObject())
            {
                foreach (var bound in condition.Value.EnumerateObject())
                {
                    Assert.Equal(bound.Value.GetRawText(), stored.GetProperty(condition.Name).GetProperty(bound.Name).GetRawText());
                }
            }
            var members = (await api.Admin.GetFromJsonAsync<JsonElement>($"{_path}/{code}/members")).GetProperty("items").EnumerateArray()
                .Select(m => m.GetProperty("memberId").GetGuid());
            Assert.Equal(expected.Order(), members.Order());
        }
    }

    [GeneratedRegex("src=\"(?<url>http://localhost/api/campaigns/m/open/[^\"]+)\"")]
    private static partial Regex OpenUrl();

    [GeneratedRegex("href=\"(?<url>http://localhost/api/campaigns/m/click/[^\"]+)\"")]
    private static partial Regex ClickUrl();
}
