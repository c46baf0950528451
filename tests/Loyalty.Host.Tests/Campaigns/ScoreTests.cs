using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Loyalty.Host.Tests.Rewards;
using Loyalty.Shared.Contracts;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Campaigns;

/// <summary>Member scores (RFM, churn risk, lifetime value) computed by the daily job, and the churnRisk campaign trigger.</summary>
public sealed class ScoreTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_history_where_lapsing_members_are_predictable_trains_a_regression_whose_validation_auc_above_0_7_the_model_endpoint_shows(DatabaseProvider provider)
    {
        // 200 members with 20 of each outcome by default; fewer here, as each purchase is a request.
        await using var host = await LoyaltyHost.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Modules:Campaigns:Scores:MinimumMembers"] = "60",
            ["Modules:Campaigns:Scores:MinimumPerOutcome"] = "8",
            ["RateLimiting:PermitsPerWindow"] = "1000000",
        }, schedulerHeld: true);
        var api = await RewardsApi.CreateAsync(host);
        var start = host.Clock.GetUtcNow();
        var random = new Random(11);
        var members = new List<(Guid Id, int Gap, int Stop)>();
        for (var i = 0; i < 80; i++)
        {
            // From day 130, regulars buy every 30 to 60 days until today (day 400); lapsing members (40 %) stop on a day of their own.
            members.Add((await api.Members.EnrollAsync($"shop-{i}"), random.Next(30, 61), random.NextDouble() < 0.4 ? random.Next(140, 391) : 400));
        }

        host.Clock.Advance(TimeSpan.FromDays(400));
        var purchases = 0;
        foreach (var (id, gap, stop) in members)
        {
            for (var day = 130 + random.Next(0, gap); day <= stop; day += gap + random.Next(-3, 4))
            {
                var response = await api.Members.PurchaseAsync($"t-{++purchases}", id, random.Next(1000, 6000), start.AddDays(day));
                Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            }
        }

        await host.RunJobAsync("campaigns", "ComputeMemberScoresJob");

        var model = (await api.Admin.GetFromJsonAsync<ModelView>(Model(api)))!;
        Assert.Equal(("logisticRegression", null), (model.Kind, model.Reason));
        Assert.True(model.ValidationAuc > 0.7, $"AUC {model.ValidationAuc}");
        Assert.Equal((80, 80), (model.TrainingMembers, model.ValidationMembers));
        Assert.InRange(model.ValidationLapsed, 8, 72);
        Assert.InRange(model.TrainingLapsed, 8, 72);
        Assert.Equal(["daysSinceLastPurchase", "purchasesLast90Days", "purchasesLast365Days", "spendTrend", "tenureDays"], model.Features.Select(f => f.Name));
        Assert.Equal(host.Clock.GetUtcNow(), model.TrainedAt);
        Assert.Equal(("done", 80, 0), (model.Run.State, model.Run.Scored, model.Run.Excluded));
        var lapsedLongAgo = members.First(m => m.Stop < 250);
        var regular = members.First(m => m.Stop == 400);
        var lapsedRisk = (await ScoresAsync(api, lapsedLongAgo.Id))!.ChurnRisk;
        var regularRisk = (await ScoresAsync(api, regular.Id))!.ChurnRisk;
        Assert.True(lapsedRisk > regularRisk, $"{lapsedRisk} against {regularRisk}");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Too_little_history_gives_the_heuristic_and_rfm_quintiles_rank_a_hand_checked_set_that_a_segment_on_scores_selects_from(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider, schedulerHeld: true);
        var api = await RewardsApi.CreateAsync(host);
        var members = new List<Guid>();
        for (var i = 1; i <= 5; i++)
        {
            members.Add(await api.Members.EnrollAsync($"shop-{i}"));
        }

        var none = await api.Members.EnrollAsync("shop-none");
        host.Clock.Advance(TimeSpan.FromDays(100));
        var now = host.Clock.GetUtcNow();
        // Member i buys i times for i × 10.00 each, the last time (6 − i) × 10 days ago: i is its R, F and M quintile.
        for (var i = 1; i <= 5; i++)
        {
            for (var k = 0; k < i; k++)
            {
                (await api.Members.PurchaseAsync($"t-{i}-{k}", members[i - 1], 1000 * i, now.AddDays(-(6 - i) * 10 - 5 * k))).EnsureSuccessStatusCode();
            }
        }

        Assert.Equal(HttpStatusCode.NotFound, (await api.Admin.GetAsync(Model(api))).StatusCode);
        await host.RunJobAsync("campaigns", "ComputeMemberScoresJob");

        var model = (await api.Admin.GetFromJsonAsync<ModelView>(Model(api)))!;
        Assert.Equal("heuristic", model.Kind);
        Assert.StartsWith("heuristic: too little history (0 members at the training cut-off, 6 at the validation cut-off", model.Reason, StringComparison.Ordinal);
        for (var i = 1; i <= 5; i++)
        {
            var scores = (await ScoresAsync(api, members[i - 1]))!;
            Assert.Equal((i, i, i, $"{i}{i}{i}", "EUR"), (scores.Recency, scores.Frequency, scores.Monetary, scores.Rfm, scores.Currency));
            Assert.True(scores.LifetimeValue > 0);
        }

        var nothing = (await ScoresAsync(api, none))!;
        Assert.Equal((1, 1, 1, 0L), (nothing.Recency, nothing.Frequency, nothing.Monetary, nothing.LifetimeValue));
        // The heuristic: the longer since the last purchase against the member's usual gap, the higher the risk.
        Assert.True((await ScoresAsync(api, members[0]))!.ChurnRisk > (await ScoresAsync(api, members[4]))!.ChurnRisk);

        // A segment on scores: every enrolled member, narrowed to the top two monetary quintiles.
        var segments = $"/api/campaigns/programs/{api.Members.Program}/segments";
        var conditions = new { daysSinceEnrollment = new { min = 0 } };
        var refused = await api.Admin.PostAsJsonAsync(segments, new { code = "big", name = "Big", conditions, scores = new { churnRisk = new { max = 101 } } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("scores.churnRisk.max", (await refused.Content.ReadFromJsonAsync<SmtpCampaignTests.Problem>())!.Errors.Keys);
        var preview = await api.Admin.PostAsJsonAsync($"{segments}/preview", new { conditions, marketing = false, scores = new { monetary = new { min = 4 } } });
        Assert.Equal(2, (await preview.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt32());
        (await api.Admin.PostAsJsonAsync(segments, new { code = "big", name = "Big", marketing = false, conditions, scores = new { monetary = new { min = 4 } } })).EnsureSuccessStatusCode();
        await host.RunJobAsync("campaigns", "EvaluateSegmentsJob");
        var inSegment = (await api.Admin.GetFromJsonAsync<JsonElement>($"{segments}/big/members")).GetProperty("items").EnumerateArray()
            .Select(m => m.GetProperty("memberId").GetGuid());
        Assert.Equal(new[] { members[3], members[4] }.Order(), inSegment.Order());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_member_who_objected_to_profiling_has_no_scores_at_once_and_none_stored_after_the_next_run_and_erasure_removes_scores(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider, schedulerHeld: true);
        var (members, dpo) = await Consent.ConsentTests.SetUpAsync(host);
        var ada = await members.EnrollAsync("shop-ada", "ada@example.com");
        var bob = await members.EnrollAsync("shop-bob", "bob@example.com");
        (await members.PurchaseAsync("t-1", ada, 2000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        (await members.PurchaseAsync("t-2", bob, 3000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        await host.RunJobAsync("campaigns", "ComputeMemberScoresJob");
        Assert.Equal(HttpStatusCode.OK, (await members.Admin.GetAsync(MemberScores(members.Program, ada))).StatusCode);

        var objection = await (await members.Pos.PostAsJsonAsync($"/api/consent/members/{ada}/requests", new { type = "objection", verification = "Signed in to the shop account" }))
            .Content.ReadFromJsonAsync<IdView>();
        (await dpo.PostAsJsonAsync($"/api/consent/requests/{objection!.Id}/status", new { status = "completed" })).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.NotFound, (await members.Admin.GetAsync(MemberScores(members.Program, ada))).StatusCode);
        host.Clock.Advance(TimeSpan.FromDays(1));
        await host.RunJobAsync("campaigns", "ComputeMemberScoresJob");
        Assert.Equal(0, (await ExportAsync(host, ada)).GetProperty("scores").GetArrayLength());
        var model = (await members.Admin.GetFromJsonAsync<ModelView>($"/api/campaigns/programs/{members.Program}/scores/model"))!;
        Assert.Equal((1, 1), (model.Run.Scored, model.Run.Excluded));

        var bobs = (await ExportAsync(host, bob)).GetProperty("scores");
        Assert.Equal(members.Program, Assert.Single(bobs.EnumerateArray()).GetProperty("program").GetString());
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var campaigns = scope.ServiceProvider.GetServices<IPersonalDataProvider>().Single(p => p.Module == "campaigns");
            Assert.Contains("scores", (await campaigns.EraseAsync(bob, CancellationToken.None)).Erased);
        }

        Assert.Equal(0, (await ExportAsync(host, bob)).GetProperty("scores").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await members.Admin.GetAsync(MemberScores(members.Program, bob))).StatusCode);
        var viewer = await host.ApiKeyClientAsync(Roles.Support);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync(MemberScores(members.Program, ada))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"/api/campaigns/programs/{members.Program}/scores/model")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_churn_risk_campaign_queues_a_member_once_per_crossing_of_its_threshold(DatabaseProvider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await LoyaltyHost.StartAsync(provider, smtp.Settings, schedulerHeld: true);
        var api = await SmtpCampaignTests.SetUpAsync(host);
        Assert.Contains("triggerThreshold", await ErrorsAsync(api, Triggered(null)));
        Assert.Contains("triggerThreshold", await ErrorsAsync(api, Triggered(101)));
        var atRisk = await SmtpCampaignTests.CreateAsync(api, Triggered(60));
        await SmtpCampaignTests.ScheduleAsync(api, atRisk, host.Clock.GetUtcNow());
        var ada = await SmtpCampaignTests.EnrollAsync(api, "ada@example.com", "Ada", "en");
        (await api.Members.PurchaseAsync("t-1", ada, 2000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();

        async Task<int> ScoreAfterAsync(int days)
        {
            host.Clock.Advance(TimeSpan.FromDays(days));
            await host.RunJobAsync("campaigns", "ComputeMemberScoresJob");
            return (await SmtpCampaignTests.MessagesAsync(api, atRisk)).Count;
        }

        // One purchase: the heuristic's usual gap is 90 days, so the risk reaches 60 % after 135 days.
        Assert.Equal(0, await ScoreAfterAsync(1));
        Assert.Equal(0, await ScoreAfterAsync(130));
        Assert.Equal(1, await ScoreAfterAsync(10));
        Assert.Equal(61, (await ScoresAsync(api, ada))!.ChurnRisk);
        Assert.Equal(1, await ScoreAfterAsync(1));
        Assert.Equal(1, await ScoreAfterAsync(30));
        (await api.Members.PurchaseAsync("t-2", ada, 2000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        Assert.Equal(1, await ScoreAfterAsync(1));
        Assert.True((await ScoresAsync(api, ada))!.ChurnRisk < 60);
        Assert.Equal(2, await ScoreAfterAsync(300));
        var messages = await SmtpCampaignTests.MessagesAsync(api, atRisk);
        Assert.All(messages, m => Assert.Equal((ada, "queued"), (m.MemberId, m.Status)));
    }

    private static object Triggered(int? threshold) => new
    {
        name = "At risk",
        channel = "email",
        trigger = "churnRisk",
        triggerThreshold = threshold,
        contents = new[] { new { locale = "en", subject = "We miss you {{ member.first_name }}", body = "<p>Come back</p>" } },
    };

    private static async Task<List<string>> ErrorsAsync(RewardsApi api, object campaign)
    {
        var response = await api.Admin.PostAsJsonAsync(SmtpCampaignTests.Campaigns(api), campaign);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return [.. (await response.Content.ReadFromJsonAsync<SmtpCampaignTests.Problem>())!.Errors.Keys];
    }

    private static string Model(RewardsApi api) => $"/api/campaigns/programs/{api.Members.Program}/scores/model";

    private static string MemberScores(string program, Guid memberId) => $"/api/campaigns/programs/{program}/members/{memberId}/scores";

    private static async Task<ScoresView?> ScoresAsync(RewardsApi api, Guid memberId) =>
        await api.Admin.GetFromJsonAsync<ScoresView>(MemberScores(api.Members.Program, memberId));

    private static async Task<JsonElement> ExportAsync(LoyaltyHost host, Guid memberId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        using var stream = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(stream))
        {
            await scope.ServiceProvider.GetServices<IPersonalDataProvider>().Single(p => p.Module == "campaigns").ExportAsync(memberId, writer, CancellationToken.None);
        }

        return JsonDocument.Parse(stream.ToArray()).RootElement.Clone();
    }

    private sealed record IdView(Guid Id);

    private sealed record FeatureView(string Name, double Weight);

    private sealed record RunView(string State, int Scored, int Excluded, int Removed);

    private sealed record ModelView(
        string Kind, string? Reason, List<FeatureView> Features, DateTimeOffset TrainedAt, double? ValidationAuc, int TrainingMembers, int TrainingLapsed,
        int ValidationMembers, int ValidationLapsed, RunView Run);

    private sealed record ScoresView(Guid MemberId, int Recency, int Frequency, int Monetary, string Rfm, int ChurnRisk, long LifetimeValue, string Currency);
}
