using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Feedback;

public sealed class SurveyAnalyticsTests
{
    private static readonly string[] Bistros = ["bistro-1"];

    private static readonly object[] Ladder =
    [
        new { code = "bronze", name = "Bronze", rank = 1, threshold = 0, earningMultiplier = 1.0m },
        new { code = "silver", name = "Silver", rank = 2, threshold = 500, earningMultiplier = 1.0m },
    ];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Results_give_nps_per_period_and_tier_rating_distribution_response_rate_and_filtered_texts(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var survey = await DinnerSurvey.CreateAsync(host);
        (await survey.Api.Admin.PutAsJsonAsync($"/api/members/programs/{survey.Api.Program}/tiers", new { basis = "QualifyingPoints", window = "Rolling12Months", tiers = Ladder })).EnsureSuccessStatusCode();
        var silver = await survey.Api.EnrollAsync("silver-1");
        (await survey.Api.PurchaseAsync("T-1", silver, 60_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        var plain = await survey.Api.EnrollAsync("plain-1");
        var silent = await survey.Api.EnrollAsync("silent-1");
        var start = host.Clock.GetUtcNow();

        await survey.AnswerAsync(await survey.SendAsync(silver), ("q.nps", "10"), ("q.stars", "5"));
        await survey.AnswerAsync(await survey.SendAsync(plain), ("q.nps", "3"), ("q.stars", "2"), ("q.why", "=HYPERLINK(\"http://evil\",\"cold\")"));
        await survey.SendAsync(silent);
        host.Clock.Advance(TimeSpan.FromDays(10));
        var later = host.Clock.GetUtcNow();
        var late = await survey.Api.EnrollAsync("late-1");
        await survey.AnswerAsync(await survey.SendAsync(late), ("q.nps", "8"), ("q.why", "Slow service"));

        var all = await survey.ResultsAsync();
        Assert.Equal((3, 4, 3, 75.0m), (all.GetProperty("responses").GetInt32(), all.GetProperty("sends").GetInt32(), all.GetProperty("respondedSends").GetInt32(), all.GetProperty("responseRate").GetDecimal()));
        var nps = all.GetProperty("questions")[0];
        Assert.Equal((1, 1, 1, 0m), Nps(nps.GetProperty("nps")));
        Assert.Equal((1, 0, 0, 100m), Nps(nps.GetProperty("npsByTier").GetProperty("silver")));
        Assert.Equal((0, 1, 1, -50m), Nps(nps.GetProperty("npsByTier").GetProperty("(none)")));
        var stars = all.GetProperty("questions")[1];
        Assert.Equal([0, 1, 0, 0, 1], Enumerable.Range(1, 5).Select(n => stars.GetProperty("distribution").GetProperty($"{n}").GetInt32()));

        var firstPeriod = await survey.ResultsAsync($"from={Query(start)}&to={Query(later)}");
        Assert.Equal((2, 3), (firstPeriod.GetProperty("responses").GetInt32(), firstPeriod.GetProperty("sends").GetInt32()));
        Assert.Equal((1, 0, 1, 0m), Nps(firstPeriod.GetProperty("questions")[0].GetProperty("nps")));
        var secondPeriod = await survey.ResultsAsync($"from={Query(later)}");
        Assert.Equal((0, 1, 0, 0m), Nps(secondPeriod.GetProperty("questions")[0].GetProperty("nps")));

        Assert.Equal(["Slow service", "=HYPERLINK(\"http://evil\",\"cold\")"], await survey.TextsAsync("question=why"));
        Assert.Equal(["Slow service"], await survey.TextsAsync($"question=why&from={Query(later)}"));
        Assert.Equal(["=HYPERLINK(\"http://evil\",\"cold\")"], await survey.TextsAsync("contains=HYPERLINK"));
        Assert.Empty(await survey.TextsAsync("tier=silver"));
        Assert.Equal(["Slow service"], await survey.TextsAsync("take=1"));
        Assert.Equal(["=HYPERLINK(\"http://evil\",\"cold\")"], await survey.TextsAsync("skip=1"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_csv_export_of_texts_cannot_run_a_formula_in_a_spreadsheet(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var survey = await DinnerSurvey.CreateAsync(host);
        var formulas = new[] { "=1+1", "+SUM(A1)", "-2+3", "@cmd", "plain, \"quoted\"" };
        for (var i = 0; i < formulas.Length; i++)
        {
            await survey.AnswerAsync(await survey.SendAsync(await survey.Api.EnrollAsync($"csv-{i}")), ("q.nps", "2"), ("q.why", formulas[i]));
            host.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var response = await survey.Api.Admin.GetAsync($"{survey.Surveys}/dinner/text-answers.csv?question=why");
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal("responseId,surveyVersion,questionId,tier,submittedAt,text", lines[0]);
        var texts = lines.Skip(1).Select(l => l.Split(',', 6)[5]).ToList();
        Assert.Equal(["\"plain, \"\"quoted\"\"\"", "'@cmd", "'-2+3", "'+SUM(A1)", "'=1+1"], texts);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_purchase_invites_the_member_to_the_survey_the_configured_hours_later(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var survey = await DinnerSurvey.CreateAsync(host, sendHoursAfterPurchase: 3);
        var member = await survey.Api.EnrollAsync("diner-1");
        (await survey.Api.PurchaseAsync("T-dinner", member, 4_500, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        await host.DeliverMembersEventsAsync();

        host.Clock.Advance(TimeSpan.FromHours(2));
        await host.RunJobAsync("feedback", "InviteDueSurveySendsJob");
        Assert.Equal(0, (await survey.ResultsAsync()).GetProperty("sends").GetInt32());

        host.Clock.Advance(TimeSpan.FromHours(1));
        // The scheduler runs the job too: run it until the send is announced, not just once.
        for (var i = 0; i < 50 && (await survey.ResultsAsync()).GetProperty("sends").GetInt32() == 0; i++)
        {
            await host.RunJobAsync("feedback", "InviteDueSurveySendsJob");
        }

        Assert.Equal(1, (await survey.ResultsAsync()).GetProperty("sends").GetInt32());
        // The invitation Campaigns' messaging delivers carries the member's link to this survey.
        await using var scope = host.Services.CreateAsyncScope();
        var invitation = await LoyaltyHost.ModuleContext(scope.ServiceProvider, "feedback").OutboxMessages
            .SingleAsync(m => m.EventType.Contains("SurveyInvitationCreated"));
        var payload = JsonDocument.Parse(invitation.Payload).RootElement;
        Assert.Equal(member, payload.GetProperty("memberId").GetGuid());
        var link = new Uri(payload.GetProperty("link").GetString()!, UriKind.Relative);
        Assert.Contains("Recommend us?", await host.CreateClient().GetStringAsync(link));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_survey_for_some_stores_invites_only_after_purchases_in_them_even_when_they_earn_nothing(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var survey = await DinnerSurvey.CreateAsync(host, sendHoursAfterPurchase: 1, purchaseStores: Bistros);
        var member = await survey.Api.EnrollAsync("diner-1");
        async Task BuyAsync(string externalId, string? store, DateTimeOffset? at = null)
        {
            // 0.50 EUR earns no points at the base rate: the invitation follows the purchase, not the points.
            var bought = await survey.Api.Pos.PostAsJsonAsync(survey.Api.Transactions, new { externalId, memberId = member, occurredAt = at ?? host.Clock.GetUtcNow(), currency = "EUR", total = 50, channel = "pos", store });
            Assert.True(bought.IsSuccessStatusCode, await bought.Content.ReadAsStringAsync());
            Assert.Equal(0, (await bought.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("points").GetInt64());
        }

        async Task<int> SendsAfterAnHourAsync()
        {
            await host.DeliverMembersEventsAsync();
            host.Clock.Advance(TimeSpan.FromHours(1));
            await host.RunJobAsync("feedback", "InviteDueSurveySendsJob");
            return (await survey.ResultsAsync()).GetProperty("sends").GetInt32();
        }

        await BuyAsync("T-kiosk", "kiosk-2");
        await BuyAsync("T-online", null);
        Assert.Equal(0, await SendsAfterAnHourAsync());

        var dinner = host.Clock.GetUtcNow();
        await BuyAsync("T-bistro", "BISTRO-1", dinner);
        Assert.Equal(1, await SendsAfterAnHourAsync());
        // The same purchase sent again invites nobody twice.
        await BuyAsync("T-bistro", "BISTRO-1", dinner);
        Assert.Equal(1, await SendsAfterAnHourAsync());

        var refused = await survey.Api.Admin.PutAsJsonAsync($"{survey.Surveys}/lunch", new
        {
            defaultLocale = "en", title = new { en = "Lunch" }, purchaseStores = Bistros,
            questions = new object[] { new { id = "nps", type = "nps", text = new { en = "Recommend us?" } } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("purchaseStores", out _));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Results_for_a_segment_count_only_its_members_responses_and_sends(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var survey = await DinnerSurvey.CreateAsync(host);
        var fan = await survey.Api.EnrollAsync("fan-1");
        var critic = await survey.Api.EnrollAsync("critic-1");
        var quiet = await survey.Api.EnrollAsync("quiet-1");
        await survey.AnswerAsync(await survey.SendAsync(fan), ("q.nps", "9"));
        await survey.AnswerAsync(await survey.SendAsync(critic), ("q.nps", "1"));
        await survey.SendAsync(quiet);
        var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var segments = $"/api/campaigns/programs/{survey.Api.Program}/segments";
        (await marketer.PostAsJsonAsync(segments, new { code = "vip", name = "VIP", marketing = false, members = new { ids = new[] { fan, quiet } } })).EnsureSuccessStatusCode();
        for (var i = 0; i < 100 && (await marketer.GetFromJsonAsync<JsonElement>($"{segments}/vip")).GetProperty("evaluation").GetProperty("state").GetString() != "done"; i++)
        {
            await host.RunJobAsync("campaigns", "EvaluateSegmentsJob");
        }

        var vip = await survey.ResultsAsync("segment=vip");
        Assert.Equal(("vip", 1, 2, 50.0m), (vip.GetProperty("segment").GetString(), vip.GetProperty("responses").GetInt32(), vip.GetProperty("sends").GetInt32(), vip.GetProperty("responseRate").GetDecimal()));
        Assert.Equal((1, 0, 0, 100m), Nps(vip.GetProperty("questions")[0].GetProperty("nps")));
        Assert.Equal((1, 0, 1, 0m), Nps((await survey.ResultsAsync()).GetProperty("questions")[0].GetProperty("nps")));
        var unknown = await survey.ResultsAsync("segment=nobody");
        Assert.Equal((0, 0), (unknown.GetProperty("responses").GetInt32(), unknown.GetProperty("sends").GetInt32()));
    }

    private static (int Promoters, int Passives, int Detractors, decimal? Score) Nps(JsonElement nps) =>
        (nps.GetProperty("promoters").GetInt32(), nps.GetProperty("passives").GetInt32(), nps.GetProperty("detractors").GetInt32(),
            nps.GetProperty("score").ValueKind == JsonValueKind.Null ? null : nps.GetProperty("score").GetDecimal());

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_nps_trend_counts_each_month_in_the_programs_time_zone_and_response_rates_are_per_trigger(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var survey = await DinnerSurvey.CreateAsync(host);
        var start = host.Clock.GetUtcNow();
        await survey.AnswerAsync(await survey.SendAsync(await survey.Api.EnrollAsync("trend-1")), ("q.nps", "10"));
        host.Clock.Advance(TimeSpan.FromDays(40));
        await survey.AnswerAsync(await survey.SendAsync(await survey.Api.EnrollAsync("trend-2")), ("q.nps", "2"));
        await survey.AnswerAsync(await survey.SendAsync(await survey.Api.EnrollAsync("trend-3")), ("q.nps", "9"));
        var unanswered = await survey.Integrator.PostAsJsonAsync($"{survey.Surveys}/dinner/sends", new { memberId = await survey.Api.EnrollAsync("trend-4"), trigger = "spring-mailing" });
        unanswered.EnsureSuccessStatusCode();

        var trend = await survey.Api.Admin.GetFromJsonAsync<JsonElement>($"{survey.Surveys}/dinner/nps-trend?interval=month&from={Query(start)}&to={Query(host.Clock.GetUtcNow().AddSeconds(1))}");
        Assert.Equal(("nps", "Europe/Berlin"), (trend.GetProperty("question").GetString(), trend.GetProperty("timeZone").GetString()));
        var periods = trend.GetProperty("periods").EnumerateArray().ToList();
        Assert.InRange(periods.Count, 2, 3);
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        Assert.All(periods, p =>
        {
            var local = TimeZoneInfo.ConvertTime(p.GetProperty("start").GetDateTimeOffset(), berlin);
            Assert.Equal((1, TimeSpan.Zero), (local.Day, local.TimeOfDay));
        });
        Assert.Equal((1, 0, 0, 100m), Nps(periods[0].GetProperty("nps")));
        Assert.Equal((1, 0, 1, 0m), Nps(periods[^1].GetProperty("nps")));
        Assert.All(periods.Skip(1).SkipLast(1), p => Assert.Equal(0, p.GetProperty("nps").GetProperty("responses").GetInt32()));
        var days = await survey.Api.Admin.GetFromJsonAsync<JsonElement>($"{survey.Surveys}/dinner/nps-trend?interval=day&from={Query(start)}");
        Assert.Equal(3, days.GetProperty("periods").EnumerateArray().Sum(p => p.GetProperty("nps").GetProperty("responses").GetInt32()));

        var badInterval = await survey.Api.Admin.GetAsync($"{survey.Surveys}/dinner/nps-trend?interval=fortnight");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, badInterval.StatusCode);
        Assert.Contains("interval", await badInterval.Content.ReadAsStringAsync());
        var tooLong = await survey.Api.Admin.GetAsync($"{survey.Surveys}/dinner/nps-trend?interval=day&from={Query(start.AddYears(-3))}");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("\"from\"", await tooLong.Content.ReadAsStringAsync());
        var noSuchQuestion = await survey.Api.Admin.GetAsync($"{survey.Surveys}/dinner/nps-trend?question=stars");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, noSuchQuestion.StatusCode);

        var rates = (await survey.Api.Admin.GetFromJsonAsync<List<JsonElement>>($"{survey.Surveys}/dinner/response-rates"))!
            .Select(r => (r.GetProperty("trigger").GetString(), r.GetProperty("sends").GetInt32(), r.GetProperty("responded").GetInt32(), r.GetProperty("responseRate").GetDecimal()));
        Assert.Equal([("api:campaign-1", 3, 3, 100m), ("api:spring-mailing", 1, 0, 0m)], rates);
    }

    private static string Query(DateTimeOffset at) => Uri.EscapeDataString(at.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>A program with the published "dinner" survey: NPS, stars, and a text asked only of detractors.</summary>
internal sealed class DinnerSurvey
{
    private readonly LoyaltyHost _host;

    private DinnerSurvey(LoyaltyHost host, MembersApi api, HttpClient integrator)
    {
        _host = host;
        Api = api;
        Integrator = integrator;
    }

    public MembersApi Api { get; }

    public HttpClient Integrator { get; }

    public string Surveys => $"/api/feedback/programs/{Api.Program}/surveys";

    public static async Task<DinnerSurvey> CreateAsync(LoyaltyHost host, int? sendHoursAfterPurchase = null, string[]? purchaseStores = null)
    {
        var survey = new DinnerSurvey(host, await MembersApi.CreateAsync(host), await host.ApiKeyClientAsync(Roles.Integrator));
        (await survey.Api.Admin.PutAsJsonAsync($"{survey.Surveys}/dinner", new
        {
            defaultLocale = "en",
            title = new { en = "Dinner" },
            sendHoursAfterPurchase,
            purchaseStores,
            questions = new object[]
            {
                new { id = "nps", type = "nps", text = new { en = "Recommend us?" }, required = true },
                new { id = "stars", type = "rating", text = new { en = "The food?" } },
                new { id = "why", type = "text", text = new { en = "What went wrong?" }, showIf = new { question = "nps", lessThan = 9 } },
            },
        })).EnsureSuccessStatusCode();
        (await survey.Api.Admin.PostAsync($"{survey.Surveys}/dinner/publish", null)).EnsureSuccessStatusCode();
        return survey;
    }

    public async Task<Uri> SendAsync(Guid memberId)
    {
        var sent = await Integrator.PostAsJsonAsync($"{Surveys}/dinner/sends", new { memberId, trigger = "campaign-1" });
        sent.EnsureSuccessStatusCode();
        return new Uri((await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("link").GetString()!, UriKind.Relative);
    }

    public async Task AnswerAsync(Uri link, params (string Field, string Value)[] answers)
    {
        var response = await _host.CreateClient().PostAsync(link, new FormUrlEncodedContent(answers.Select(a => new KeyValuePair<string, string>(a.Field, a.Value))));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<JsonElement> ResultsAsync(string query = "") =>
        await Api.Admin.GetFromJsonAsync<JsonElement>($"{Surveys}/dinner/results?{query}");

    public async Task<List<string>> TextsAsync(string query) =>
        (await Api.Admin.GetFromJsonAsync<List<JsonElement>>($"{Surveys}/dinner/text-answers?{query}"))!.Select(t => t.GetProperty("text").GetString()!).ToList();
}
