using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Loyalty.Shared.Contracts;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Feedback;

/// <summary>A survey's life after the first answer: new versions, the anonymous link, its reward and a member's erasure.</summary>
public sealed class SurveyLifecycleTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Editing_a_published_survey_makes_a_new_version_and_answers_keep_the_version_they_answered(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var survey = await DinnerSurvey.CreateAsync(host);
        var member = await survey.Api.EnrollAsync("diner-1");
        var link = await survey.SendAsync(member);

        var edited = await survey.Api.Admin.PutAsJsonAsync($"{survey.Surveys}/dinner", new
        {
            defaultLocale = "en", title = new { en = "Dinner, new menu" }, allowAnonymous = true,
            questions = new object[] { new { id = "nps", type = "nps", text = new { en = "Would you recommend the new menu?" }, required = true } },
        });
        Assert.Equal(HttpStatusCode.Created, edited.StatusCode);
        var draft = await edited.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((2, "draft"), (draft.GetProperty("version").GetInt32(), draft.GetProperty("status").GetString()));
        // Until version 2 is published, members still get version 1, which has no anonymous link.
        Assert.Contains("Recommend us?", await host.CreateClient().GetStringAsync(link));
        Assert.False((await survey.Api.Admin.GetAsync($"{survey.Surveys}/dinner/anonymous-link")).IsSuccessStatusCode);
        await survey.AnswerAsync(link, ("q.nps", "10"));

        (await survey.Api.Admin.PostAsync($"{survey.Surveys}/dinner/publish", null)).EnsureSuccessStatusCode();
        var first = await survey.Api.Admin.GetFromJsonAsync<JsonElement>($"{survey.Surveys}/dinner/versions/1");
        Assert.Equal("superseded", first.GetProperty("status").GetString());
        var anonymous = (await survey.Api.Admin.GetFromJsonAsync<JsonElement>($"{survey.Surveys}/dinner/anonymous-link")).GetProperty("link").GetString()!;
        var stranger = host.CreateClient();
        Assert.Contains("Would you recommend the new menu?", await stranger.GetStringAsync(anonymous));
        var answered = await stranger.PostAsync(anonymous, new FormUrlEncodedContent([new("q.nps", "2")]));
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var refused = await stranger.PostAsync(anonymous, new FormUrlEncodedContent([new("q.nps", "eleven")]));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        var results = await survey.ResultsAsync();
        Assert.Equal(2, results.GetProperty("responses").GetInt32());
        var nps = results.GetProperty("questions")[0].GetProperty("nps");
        Assert.Equal((1, 1), (nps.GetProperty("promoters").GetInt32(), nps.GetProperty("detractors").GetInt32()));
        var responses = (await PersonalDataOf(host, member)).GetProperty("surveyResponses");
        Assert.Equal(1, responses.GetArrayLength());
        Assert.Equal(1, responses[0].GetProperty("surveyVersion").GetInt32());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Completed_surveys_earn_a_rules_100_points_once_per_month(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var survey = await DinnerSurvey.CreateAsync(host);
        var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var rules = $"/api/campaigns/programs/{survey.Api.Program}/earning-rules";
        var created = await marketer.PostAsJsonAsync(rules, new { name = "Survey thanks", trigger = "surveyCompleted", effects = new { fixedPoints = 100, capPerMemberPerMonth = 100 } });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var rule = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await marketer.PostAsync($"{rules}/{rule}/activate", null)).EnsureSuccessStatusCode();
        var member = await survey.Api.EnrollAsync("diner-1");

        await survey.AnswerAsync(await SendAsync(survey, member, "visit-1"), ("q.nps", "9"));
        await ActivityPointsAsync(host, member, 1);
        // Later the same month: the month's cap is reached.
        host.Clock.Advance(TimeSpan.FromMinutes(5));
        await survey.AnswerAsync(await SendAsync(survey, member, "visit-2"), ("q.nps", "10"));
        var firstMonth = await ActivityPointsAsync(host, member, 2);
        Assert.Equal([100L, 0L], firstMonth);

        host.Clock.Advance(TimeSpan.FromDays(31));
        await survey.AnswerAsync(await SendAsync(survey, member, "visit-3"), ("q.nps", "10"));
        var secondMonth = await ActivityPointsAsync(host, member, 3);
        Assert.Equal([100L, 0L, 100L], secondMonth);
        // The activity is recorded before Members credits it: wait for the balance too.
        for (var i = 0; i < 100 && (await survey.Api.PointsAsync(member)).Available < 200; i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(200, (await survey.Api.PointsAsync(member)).Available);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Erasure_deletes_what_a_member_wrote_and_revokes_their_link_and_the_nps_stays_as_it_was(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var survey = await DinnerSurvey.CreateAsync(host);
        var critic = await survey.Api.EnrollAsync("critic-1");
        var fan = await survey.Api.EnrollAsync("fan-1");
        var link = await survey.SendAsync(critic);
        await survey.AnswerAsync(link, ("q.nps", "3"), ("q.stars", "2"), ("q.why", "Cold soup, ask Grace at table 4"));
        await survey.AnswerAsync(await survey.SendAsync(fan), ("q.nps", "10"));
        await SendAsync(survey, critic, "reminder");
        var before = await survey.ResultsAsync();
        var exported = await PersonalDataOf(host, critic);
        Assert.Equal(2, exported.GetProperty("surveySends").GetArrayLength());
        Assert.Contains("Cold soup", exported.GetProperty("surveyResponses")[0].GetRawText(), StringComparison.Ordinal);

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var feedback = scope.ServiceProvider.GetServices<IPersonalDataProvider>().Single(p => p.Module == "feedback");
            var report = await feedback.EraseAsync(critic, CancellationToken.None);
            Assert.Contains("free-text survey answers", report.Erased);
            Assert.NotEmpty(report.Retained);
        }

        Assert.Empty(await survey.TextsAsync(string.Empty));
        Assert.DoesNotContain("Cold soup", (await PersonalDataOf(host, critic)).GetRawText(), StringComparison.Ordinal);
        // The unanswered reminder is gone; the answered send stays, revoked, so its link opens nothing.
        Assert.Equal(1, (await PersonalDataOf(host, critic)).GetProperty("surveySends").GetArrayLength());
        Assert.Equal(HttpStatusCode.Gone, (await host.CreateClient().GetAsync(link)).StatusCode);
        var after = await survey.ResultsAsync();
        Assert.Equal(before.GetProperty("questions")[0].GetProperty("nps").GetRawText(), after.GetProperty("questions")[0].GetProperty("nps").GetRawText());
        Assert.Equal(before.GetProperty("questions")[1].GetProperty("distribution").GetRawText(), after.GetProperty("questions")[1].GetProperty("distribution").GetRawText());
    }

    private static async Task<Uri> SendAsync(DinnerSurvey survey, Guid memberId, string trigger)
    {
        var sent = await survey.Integrator.PostAsJsonAsync($"{survey.Surveys}/dinner/sends", new { memberId, trigger });
        sent.EnsureSuccessStatusCode();
        return new Uri((await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("link").GetString()!, UriKind.Relative);
    }

    /// <summary>
    /// Lets the outboxes, which poll on the host's clock, carry SurveyCompleted to Campaigns until it recorded
    /// <paramref name="count"/> activities, and gives the points each earned, oldest first.
    /// </summary>
    private static async Task<long[]> ActivityPointsAsync(LoyaltyHost host, Guid memberId, int count)
    {
        for (var i = 0; i < 200; i++)
        {
            var activities = (await PersonalDataOf(host, memberId, "campaigns")).GetProperty("activities").EnumerateArray()
                .Where(a => a.GetProperty("type").GetString() == "surveyCompleted").ToList();
            if (activities.Count >= count)
            {
                return activities.Select(a => a.GetProperty("points").GetInt64()).ToArray();
            }

            host.Clock.Advance(TimeSpan.FromSeconds(1));
            await host.RunJobAsync("campaigns", "RecordPendingActivitiesJob");
        }

        Assert.Fail($"Campaigns did not record {count} survey activities.");
        return [];
    }

    private static async Task<JsonElement> PersonalDataOf(LoyaltyHost host, Guid memberId, string module = "feedback")
    {
        await using var scope = host.Services.CreateAsyncScope();
        using var stream = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(stream))
        {
            await scope.ServiceProvider.GetServices<IPersonalDataProvider>().Single(p => p.Module == module).ExportAsync(memberId, writer, CancellationToken.None);
        }

        return JsonDocument.Parse(stream.ToArray()).RootElement.Clone();
    }
}
