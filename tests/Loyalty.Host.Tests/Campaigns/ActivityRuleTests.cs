using System.Net;
using System.Net.Http.Json;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Campaigns;

public sealed class ActivityRuleTests
{
    private const string Survey = "post-dinner-survey";

    private static readonly string[] Gold = ["gold"];

    private static readonly string[] Latte = ["latte"];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_activity_earns_its_rules_fixed_points_once_per_external_id_and_purchase_rules_leave_it_alone(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var (api, marketer) = await ProgramWithSurveyAsync(host);
        var survey = await ActiveRuleAsync(marketer, api, new { name = "Survey bonus", trigger = Survey, effects = new { fixedPoints = 100 } });
        await ActiveRuleAsync(marketer, api, new { name = "Purchase bonus", effects = new { fixedPoints = 5 } });
        var member = await api.EnrollAsync("m-1");
        var at = host.Clock.GetUtcNow().AddMinutes(-10);

        var first = await api.Pos.PostAsJsonAsync(Activities(api), new { externalId = "S-1", memberId = member, type = Survey, occurredAt = at });
        var again = await api.Pos.PostAsJsonAsync(Activities(api), new { externalId = "S-1", memberId = member, type = Survey, occurredAt = at });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var recorded = (await first.Content.ReadFromJsonAsync<Activity>())!;
        Assert.Equal((100L, true), (recorded.Points, recorded.Credited));
        Assert.Equal([(survey, "applied", 100L)], recorded.Rules.Select(r => (r.RuleId, r.Outcome, r.Points)));
        Assert.Equal(100, (await again.Content.ReadFromJsonAsync<Activity>())!.Points);
        Assert.Equal(100, (await api.PointsAsync(member)).Available);

        // A purchase of 10 EUR earns its 10 base points and the purchase rule's 5, not the survey's 100.
        var purchase = await api.PurchaseAsync("T-1", member, 1_000, at);
        Assert.Equal(15, (await purchase.Content.ReadFromJsonAsync<Points>())!.Value);

        var other = await api.Pos.PostAsJsonAsync(Activities(api), new { externalId = "S-1", memberId = await api.EnrollAsync("m-2"), type = Survey, occurredAt = at });
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_same_activity_posted_many_times_at_once_on_two_nodes_is_credited_once(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        await using var second = host.AnotherNode();
        var (api, marketer) = await ProgramWithSurveyAsync(host);
        await ActiveRuleAsync(marketer, api, new { name = "Survey bonus", trigger = Survey, effects = new { fixedPoints = 100, capPerMemberPerMonth = 200 } });
        var member = await api.EnrollAsync("m-1");
        var posOnSecond = second.CreateClient();
        posOnSecond.DefaultRequestHeaders.Authorization = api.Pos.DefaultRequestHeaders.Authorization;
        var at = host.Clock.GetUtcNow().AddMinutes(-10);

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            (i % 2 == 0 ? api.Pos : posOnSecond).PostAsJsonAsync(Activities(api), new { externalId = "S-1", memberId = member, type = Survey, occurredAt = at })));

        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, r.StatusCode.ToString()));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var response in responses)
        {
            Assert.Equal(100, (await response.Content.ReadFromJsonAsync<Activity>())!.Points);
        }

        Assert.Equal(100, (await api.PointsAsync(member)).Available);
        // The cap counted the activity once: 100 of the month's 200 are left (none if the copies had counted twice).
        var simulated = await marketer.PostAsJsonAsync($"{Activities(api)}/simulate", new { memberId = member, type = Survey, occurredAt = at });
        Assert.Equal(100, (await simulated.Content.ReadFromJsonAsync<Simulation>())!.Points);
        var next = await api.Pos.PostAsJsonAsync(Activities(api), new { externalId = "S-2", memberId = member, type = Survey, occurredAt = at });
        var last = await api.Pos.PostAsJsonAsync(Activities(api), new { externalId = "S-3", memberId = member, type = Survey, occurredAt = at });
        Assert.Equal((100L, 0L), ((await next.Content.ReadFromJsonAsync<Activity>())!.Points, (await last.Content.ReadFromJsonAsync<Activity>())!.Points));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_survey_rule_with_a_monthly_cap_pays_once_per_calendar_month_in_the_programs_time_zone(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var (api, marketer) = await ProgramWithSurveyAsync(host);
        await ActiveRuleAsync(marketer, api, new { name = "100 points for the post-dinner survey, once a month", trigger = Survey, effects = new { fixedPoints = 100, capPerMemberPerMonth = 100 } });
        var member = await api.EnrollAsync("m-1");
        host.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));

        var points = new List<long>();
        // 23:30 UTC on 30 November is already 1 December in Berlin: the third survey is December's first.
        foreach (var (id, at) in new[] { ("S-1", "2026-11-03T19:00:00Z"), ("S-2", "2026-11-20T19:00:00Z"), ("S-3", "2026-11-30T23:30:00Z"), ("S-4", "2026-12-01T19:00:00Z") })
        {
            var response = await api.Pos.PostAsJsonAsync(Activities(api), new { externalId = id, memberId = member, type = Survey, occurredAt = DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture) });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            points.Add((await response.Content.ReadFromJsonAsync<Activity>())!.Points);
        }

        Assert.Equal([100L, 0, 100, 0], points);
        Assert.Equal(200, (await api.PointsAsync(member)).Available);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Enrolment_fires_the_enrollment_activity_once_per_member(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var (api, marketer) = await ProgramWithSurveyAsync(host);
        await ActiveRuleAsync(marketer, api, new { name = "Welcome", trigger = "enrollment", effects = new { fixedPoints = 250 } });
        var member = await api.EnrollAsync("m-1");

        await host.DeliverMembersEventsAsync();
        await host.RunJobAsync("campaigns", "RecordPendingActivitiesJob");
        await host.RunJobAsync("campaigns", "RecordPendingActivitiesJob");

        Assert.Equal(250, (await api.PointsAsync(member)).Available);
        var activity = await marketer.GetFromJsonAsync<Activity>($"{Activities(api)}/enrollment:{member:N}");
        Assert.Equal(("enrollment", 250L), (activity!.Type, activity.Points));

        // The same event delivered again (a redelivery) earns nothing more.
        var again = await api.Pos.PostAsJsonAsync(Activities(api), new { externalId = $"enrollment:{member:N}", memberId = member, type = "enrollment", occurredAt = activity.OccurredAt });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(250, (await api.PointsAsync(member)).Available);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_birthday_job_fires_once_a_year_on_the_birthday_in_the_programs_time_zone(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var (api, marketer) = await ProgramWithSurveyAsync(host);
        await ActiveRuleAsync(marketer, api, new { name = "Happy birthday", trigger = "birthday", effects = new { fixedPoints = 300 } });
        var member = await EnrollBornAsync(api, "m-1", "1990-11-03");
        var leapling = await EnrollBornAsync(api, "m-2", "2000-02-29");

        async Task<(long Member, long Leapling)> RunOnAsync(string utc)
        {
            host.Clock.SetUtcNow(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture));
            await host.RunJobAsync("campaigns", "FireBirthdayActivitiesJob");
            return ((await api.PointsAsync(member)).Available, (await api.PointsAsync(leapling)).Available);
        }

        // 22:30 UTC on 2 November is 23:30 in Berlin: not yet the birthday; 23:30 UTC is 3 November there.
        Assert.Equal((0L, 0L), await RunOnAsync("2026-11-02T22:30:00Z"));
        Assert.Equal((300L, 0L), await RunOnAsync("2026-11-02T23:30:00Z"));
        Assert.Equal((300L, 0L), await RunOnAsync("2026-11-03T12:00:00Z"));
        Assert.Equal((300L, 0L), await RunOnAsync("2026-11-04T12:00:00Z"));
        // 2027 has no 29 February: the leapling's birthday is the 28th; 2028 has one, and the 28th is not it.
        Assert.Equal((300L, 300L), await RunOnAsync("2027-02-28T12:00:00Z"));
        Assert.Equal((300L, 300L), await RunOnAsync("2027-03-01T12:00:00Z"));
        Assert.Equal((600L, 300L), await RunOnAsync("2027-11-03T12:00:00Z"));
        Assert.Equal((600L, 300L), await RunOnAsync("2028-02-28T12:00:00Z"));
        Assert.Equal((600L, 600L), await RunOnAsync("2028-02-29T12:00:00Z"));
    }

    private static async Task<Guid> EnrollBornAsync(MembersApi api, string externalId, string birthDate)
    {
        var response = await api.Pos.PostAsJsonAsync(api.Members, new { externalId, firstName = "Ada", channel = "web", birthDate });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<MembersApi.MemberView>())!.Id;
    }

    [Fact]
    public async Task Activity_rules_and_activities_that_make_no_sense_are_refused_naming_the_field()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var (api, marketer) = await ProgramWithSurveyAsync(host);
        var rules = $"/api/campaigns/programs/{api.Program}/earning-rules";

        Assert.Contains("effects.multiplier", await ErrorsAsync(await marketer.PostAsJsonAsync(rules, new { name = "x", trigger = Survey, effects = new { fixedPoints = 1, multiplier = 2 } })));
        Assert.Contains("conditions.all[1]", await ErrorsAsync(await marketer.PostAsJsonAsync(rules, new
        {
            name = "x", trigger = Survey, effects = new { fixedPoints = 1 },
            conditions = new { all = new object[] { new { tier = Gold }, new { sku = Latte } } },
        })));
        Assert.Contains("trigger", await ErrorsAsync(await marketer.PostAsJsonAsync(rules, new { name = "x", trigger = "Not A Code", effects = new { fixedPoints = 1 } })));
        Assert.Contains("code", await ErrorsAsync(await marketer.PostAsJsonAsync(Types(api), new { code = "Survey!", name = "x" })));
        Assert.Equal(HttpStatusCode.Conflict, (await marketer.PostAsJsonAsync(Types(api), new { code = Survey, name = "Again" })).StatusCode);

        var member = await api.EnrollAsync("m-1");
        var at = host.Clock.GetUtcNow().AddMinutes(-1);
        Assert.Contains("type", await ErrorsAsync(await api.Pos.PostAsJsonAsync(Activities(api), new { externalId = "A-1", memberId = member, type = "app-check-in", occurredAt = at })));
        Assert.Contains("occurredAt", await ErrorsAsync(await api.Pos.PostAsJsonAsync(Activities(api), new { externalId = "A-2", memberId = member, type = Survey, occurredAt = at.AddDays(1) })));
        (await marketer.PutAsJsonAsync($"{Types(api)}/{Survey}", new { name = "Post-dinner survey", status = "inactive" })).EnsureSuccessStatusCode();
        Assert.Contains("type", await ErrorsAsync(await api.Pos.PostAsJsonAsync(Activities(api), new { externalId = "A-3", memberId = member, type = Survey, occurredAt = at })));
        Assert.Equal(HttpStatusCode.NotFound, (await api.Pos.PostAsJsonAsync(Activities(api), new { externalId = "A-4", memberId = Guid.NewGuid(), type = "reviewWritten", occurredAt = at })).StatusCode);
    }

    [Fact]
    public async Task Every_change_to_an_activity_type_is_in_the_audit_trail_with_who_made_it()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var (api, marketer) = await ProgramWithSurveyAsync(host);
        host.Clock.Advance(TimeSpan.FromSeconds(1));
        var renamed = await marketer.PutAsJsonAsync($"{Types(api)}/{Survey}", new { name = "Dinner survey", status = "inactive" });
        renamed.EnsureSuccessStatusCode();
        Assert.Equal(("Dinner survey", "inactive"), await renamed.Content.ReadFromJsonAsync<ActivityTypeView>() is { } view ? (view.Name, view.Status) : default);

        await using var scope = host.Services.CreateAsyncScope();
        var context = LoyaltyHost.ModuleContext(scope.ServiceProvider, "campaigns");
        var entries = context.AuditEntries.Where(e => e.EntityId == $"{api.Program}/{Survey}").ToList().OrderBy(e => e.OccurredAt).ToList();
        Assert.Equal(["campaigns.activity-type.created", "campaigns.activity-type.updated"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.StartsWith("apikey:", e.Actor, StringComparison.Ordinal));
        Assert.Contains("Dinner survey", entries[1].Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_suspended_member_earns_nothing_for_an_activity()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var (api, marketer) = await ProgramWithSurveyAsync(host);
        await ActiveRuleAsync(marketer, api, new { name = "Survey bonus", trigger = Survey, effects = new { fixedPoints = 100 } });
        var member = await api.EnrollAsync("m-1");
        (await api.Admin.PostAsJsonAsync($"{api.Members}/{member}/status", new { status = "suspended", reason = "Fraud check" })).EnsureSuccessStatusCode();

        var response = await api.Pos.PostAsJsonAsync(Activities(api), new { externalId = "S-1", memberId = member, type = Survey, occurredAt = host.Clock.GetUtcNow() });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(0, (await api.PointsAsync(member)).Available);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_activity_rule_tests_the_activitys_attributes_which_are_kept_with_it_and_bad_ones_are_refused(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var (api, marketer) = await ProgramWithSurveyAsync(host);
        await ActiveRuleAsync(marketer, api, new
        {
            name = "Five stars in Mitte", trigger = Survey, effects = new { fixedPoints = 50 },
            conditions = new { all = new object[] { new { activityAttribute = new { key = "restaurant", equals = "mitte" } }, new { not = new { activityAttribute = new { key = "rating", equals = "1" } } } } },
        });
        var member = await api.EnrollAsync("m-1");
        var at = host.Clock.GetUtcNow().AddMinutes(-10);

        var mitte = await api.Pos.PostAsJsonAsync(Activities(api), new { externalId = "S-1", memberId = member, type = Survey, occurredAt = at, attributes = new { restaurant = "mitte", rating = "5" } });
        var elsewhere = await api.Pos.PostAsJsonAsync(Activities(api), new { externalId = "S-2", memberId = member, type = Survey, occurredAt = at, attributes = new { restaurant = "kreuzberg" } });
        var none = await api.Pos.PostAsJsonAsync(Activities(api), new { externalId = "S-3", memberId = member, type = Survey, occurredAt = at });

        Assert.Equal(50, (await mitte.Content.ReadFromJsonAsync<Activity>())!.Points);
        Assert.Equal(0, (await elsewhere.Content.ReadFromJsonAsync<Activity>())!.Points);
        Assert.Equal(0, (await none.Content.ReadFromJsonAsync<Activity>())!.Points);
        Assert.Equal(50, (await api.PointsAsync(member)).Available);
        var kept = await marketer.GetFromJsonAsync<ActivityWithAttributes>($"{Activities(api)}/S-1");
        Assert.Equal(new Dictionary<string, string> { ["restaurant"] = "mitte", ["rating"] = "5" }, kept!.Attributes);
        var simulated = await marketer.PostAsJsonAsync($"{Activities(api)}/simulate", new { memberId = member, type = Survey, occurredAt = at, attributes = new { restaurant = "mitte" } });
        Assert.Equal(50, (await simulated.Content.ReadFromJsonAsync<Simulation>())!.Points);

        var tooMany = Enumerable.Range(0, 21).ToDictionary(i => $"k{i}", i => "v");
        Assert.Contains("attributes", await ErrorsAsync(await api.Pos.PostAsJsonAsync(Activities(api), new { externalId = "S-4", memberId = member, type = Survey, occurredAt = at, attributes = tooMany })));
        Assert.Contains("attributes.note", await ErrorsAsync(await api.Pos.PostAsJsonAsync(Activities(api), new { externalId = "S-5", memberId = member, type = Survey, occurredAt = at, attributes = new { note = new string('x', 201) } })));
        Assert.Contains("attributes", await ErrorsAsync(await api.Pos.PostAsJsonAsync(Activities(api), new { externalId = "S-6", memberId = member, type = Survey, occurredAt = at, attributes = new Dictionary<string, string> { [new string('k', 51)] = "v" } })));
        Assert.Equal(HttpStatusCode.NotFound, (await marketer.GetAsync($"{Activities(api)}/S-5")).StatusCode);

        // A purchase rule cannot ask about an activity's attributes, nor an activity rule about a purchase's.
        var rules = $"/api/campaigns/programs/{api.Program}/earning-rules";
        Assert.Equal(["conditions.activityAttribute"], await ErrorsAsync(await marketer.PostAsJsonAsync(rules, new { name = "Wrong", conditions = new { activityAttribute = new { key = "a", equals = "b" } }, effects = new { fixedPoints = 1 } })));
        Assert.Equal(["conditions"], await ErrorsAsync(await marketer.PostAsJsonAsync(rules, new { name = "Wrong", trigger = Survey, conditions = new { transactionAttribute = new { key = "a", equals = "b" } }, effects = new { fixedPoints = 1 } })));
    }

    private static string Activities(MembersApi api) => $"/api/campaigns/programs/{api.Program}/activities";

    private static string Types(MembersApi api) => $"/api/campaigns/programs/{api.Program}/activity-types";

    private static async Task<(MembersApi Api, HttpClient Marketer)> ProgramWithSurveyAsync(LoyaltyHost host)
    {
        var api = await MembersApi.CreateAsync(host, new { pointsPerCurrencyUnit = 1 });
        var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var created = await marketer.PostAsJsonAsync(Types(api), new { code = Survey, name = "Post-dinner survey" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (api, marketer);
    }

    private static async Task<Guid> ActiveRuleAsync(HttpClient marketer, MembersApi api, object rule)
    {
        var rules = $"/api/campaigns/programs/{api.Program}/earning-rules";
        var created = await marketer.PostAsJsonAsync(rules, rule);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<Created>())!.Id;
        (await marketer.PostAsync($"{rules}/{id}/activate", null)).EnsureSuccessStatusCode();
        return id;
    }

    private static async Task<ICollection<string>> ErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys;
    }

    private sealed record Created(Guid Id);

    private sealed record Points([property: System.Text.Json.Serialization.JsonPropertyName("points")] long Value);

    private sealed record RuleResult(Guid RuleId, string Outcome, long Points);

    private sealed record Activity(string ExternalId, string Type, DateTimeOffset OccurredAt, long Points, bool Credited, List<RuleResult> Rules);

    private sealed record Simulation(long Points);

    private sealed record ActivityWithAttributes(Dictionary<string, string>? Attributes);

    private sealed record ActivityTypeView(string Code, string Name, string Status);

    private sealed record ValidationProblem(Dictionary<string, string[]> Errors);
}
