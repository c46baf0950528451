using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Feedback;

public sealed class SurveyTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_member_answers_a_published_survey_once_through_their_signed_link(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        var memberId = await api.EnrollAsync("survey-member-1");
        var surveys = $"/api/feedback/programs/{api.Program}/surveys";
        var invalid = await api.Admin.PutAsJsonAsync($"{surveys}/dinner", new
        {
            defaultLocale = "en", title = new { en = "Dinner" },
            questions = new object[] { new { id = "why", type = "text", text = new { en = "Why?" }, showIf = new { question = "nps", lessThan = 7 } } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("questions[0].showIf.question", await invalid.Content.ReadAsStringAsync());

        (await api.Admin.PutAsJsonAsync($"{surveys}/dinner", new
        {
            defaultLocale = "en", title = new { en = "Dinner", de = "Abendessen" },
            questions = new object[]
            {
                new { id = "nps", type = "nps", text = new { en = "Recommend us?", de = "Empfehlen?" }, required = true },
                new { id = "why", type = "text", text = new { en = "What went wrong?" }, required = true, maxLength = 20, showIf = new { question = "nps", lessThan = 7 } },
            },
        })).EnsureSuccessStatusCode();
        (await api.Admin.PostAsync($"{surveys}/dinner/publish", null)).EnsureSuccessStatusCode();

        var integrator = await host.ApiKeyClientAsync(Roles.Integrator);
        var sent = await integrator.PostAsJsonAsync($"{surveys}/dinner/sends", new { memberId, trigger = "campaign-1" });
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        var link = new Uri((await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("link").GetString()!, UriKind.Relative);
        var again = await integrator.PostAsJsonAsync($"{surveys}/dinner/sends", new { memberId, trigger = "campaign-1" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        var browser = host.CreateClient();
        var page = await browser.GetStringAsync(link + "?lang=de");
        Assert.Contains("Empfehlen?", page);
        Assert.Contains("<legend>", page);
        Assert.Contains("Antworten senden", page);
        Assert.Contains("0 = sehr unwahrscheinlich, 10 = sehr wahrscheinlich", page);
        Assert.Contains("lang=\"de\"", page);
        using (var german = new HttpRequestMessage(HttpMethod.Get, link))
        {
            german.Headers.AcceptLanguage.ParseAdd("de-AT,de;q=0.9,en;q=0.5");
            Assert.Contains("Antworten senden", await (await browser.SendAsync(german)).Content.ReadAsStringAsync());
        }

        // The page's own texts follow the survey's language; one without texts of its own in German stays English.
        Assert.Contains("Send answers", await browser.GetStringAsync(link));
        Assert.Contains("Dieser Link ist ungültig", await (await browser.GetAsync(link.ToString()[..^3] + "xyz?lang=de")).Content.ReadAsStringAsync());
        var germanError = await browser.PostAsync(link + "?lang=de", new FormUrlEncodedContent([new("q.nps", "11")]));
        Assert.Equal(HttpStatusCode.BadRequest, germanError.StatusCode);
        Assert.Contains("Wählen Sie eine Zahl von 0 bis 10.", await germanError.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(link.ToString()[..^3] + "xyz")).StatusCode);

        var tooLong = await browser.PostAsync(link, new FormUrlEncodedContent([new("q.nps", "3"), new("q.why", new string('x', 21))]));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("at most 20", await tooLong.Content.ReadAsStringAsync());
        var outOfRange = await browser.PostAsync(link, new FormUrlEncodedContent([new("q.nps", "11")]));
        Assert.Equal(HttpStatusCode.BadRequest, outOfRange.StatusCode);

        // A promoter is not asked the detractors' question: its answer is not required.
        var answered = await browser.PostAsync(link, new FormUrlEncodedContent([new("q.nps", "9")]));
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var second = await browser.PostAsync(link + "?lang=de", new FormUrlEncodedContent([new("q.nps", "0")]));
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("Sie haben diese Umfrage schon beantwortet", await second.Content.ReadAsStringAsync());

        var results = await api.Admin.GetFromJsonAsync<JsonElement>($"{surveys}/dinner/results");
        Assert.Equal(1, results.GetProperty("responses").GetInt32());
        var nps = results.GetProperty("questions")[0].GetProperty("nps");
        Assert.Equal(1, nps.GetProperty("promoters").GetInt32());
        Assert.Equal(100m, nps.GetProperty("score").GetDecimal());
    }
}
