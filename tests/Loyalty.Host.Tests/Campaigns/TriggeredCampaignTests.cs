using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Loyalty.Consent.Contracts;
using Loyalty.Host.Tests.Rewards;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using static Loyalty.Host.Tests.Campaigns.SmtpCampaignTests;

namespace Loyalty.Host.Tests.Campaigns;

/// <summary>Campaigns triggered by events and the daily scan, and the hold-out control group, sent through MailKit to aiosmtpd.</summary>
public sealed class TriggeredCampaignTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Triggers_and_hold_out_shares_that_make_no_sense_are_refused_naming_the_field(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider, schedulerHeld: true);
        var api = await SetUpAsync(host);

        Assert.Contains("trigger", await ErrorsAsync(api, Triggered("christmas")));
        Assert.Contains("triggerDays", await ErrorsAsync(api, Triggered("pointsExpiring")));
        Assert.Contains("triggerDays", await ErrorsAsync(api, Triggered("pointsExpiring", triggerDays: 31)));
        Assert.Contains("triggerDays", await ErrorsAsync(api, Triggered("birthday", triggerDays: 3)));
        Assert.Contains("holdOutPercent", await ErrorsAsync(api, Triggered("birthday", holdOutPercent: 51)));
        Assert.Contains("trigger", await ErrorsAsync(api, new
        {
            name = "Both", channel = "email", trigger = "birthday", recurrence = "0 0 9 ? * MON",
            contents = new[] { new { locale = "en", subject = "Hi", body = "<p>Hi</p>" } },
        }));

        var oneOff = await CreateAsync(api, Simple("<p>Hi</p>"));
        var pause = await api.Admin.PostAsync($"{SmtpCampaignTests.Campaigns(api)}/{oneOff}/pause", null);
        Assert.Equal(HttpStatusCode.Conflict, pause.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_enrolment_campaign_sends_each_new_consenting_member_one_message_and_nothing_while_draft_or_paused(DatabaseProvider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await LoyaltyHost.StartAsync(provider, smtp.Settings, schedulerHeld: true);
        var api = await SetUpAsync(host);
        var welcome = await CreateAsync(api, Triggered("enrollment"));
        var draft = await CreateAsync(api, Triggered("enrollment"));
        await ScheduleAsync(api, welcome, host.Clock.GetUtcNow());
        Assert.Equal("active", (await GetAsync(api, welcome)).Status);

        var ada = await SmtpCampaignTests.EnrollAsync(api, "ada@example.com", "Ada", "en");
        var cleo = await SmtpCampaignTests.EnrollAsync(api, "cleo@example.com", "Cleo", "en", consenting: false);
        await host.DeliverMembersEventsAsync();
        await host.RunJobAsync("campaigns", "SendCampaignsJob");
        await host.RunJobAsync("campaigns", "SendCampaignsJob");

        var received = Assert.Single(smtp.Messages());
        Assert.Equal("ada@example.com", received.To.Mailboxes.Single().Address);
        Assert.Equal("Welcome Ada", received.Subject);
        var log = await MessagesAsync(api, welcome);
        Assert.Equal("sent", log.Single(m => m.MemberId == ada).Status);
        Assert.Equal("noConsent", log.Single(m => m.MemberId == cleo).Status);
        Assert.Empty(await MessagesAsync(api, draft));
        Assert.Equal("active", (await GetAsync(api, welcome)).Status);

        (await api.Admin.PostAsync($"{SmtpCampaignTests.Campaigns(api)}/{welcome}/pause", null)).EnsureSuccessStatusCode();
        await SmtpCampaignTests.EnrollAsync(api, "bert@example.com", "Bert", "en");
        await host.DeliverMembersEventsAsync();
        await host.RunJobAsync("campaigns", "SendCampaignsJob");
        Assert.Equal(1, smtp.Count);
        Assert.Equal(2, (await MessagesAsync(api, welcome)).Count);

        await ScheduleAsync(api, welcome, host.Clock.GetUtcNow());
        await SmtpCampaignTests.EnrollAsync(api, "dora@example.com", "Dora", "en");
        await host.DeliverMembersEventsAsync();
        await host.RunJobAsync("campaigns", "SendCampaignsJob");
        Assert.Equal(2, smtp.Count);
        Assert.Contains(smtp.Messages(), m => m.Subject == "Welcome Dora");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_birthday_campaign_sends_one_message_per_birthday_in_the_programs_time_zone_however_often_the_scan_runs(DatabaseProvider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await LoyaltyHost.StartAsync(provider, smtp.Settings, schedulerHeld: true);
        var api = await SetUpAsync(host);
        var ada = await EnrollBornAsync(api, "ada@example.com", "1990-11-03");
        var birthday = await CreateAsync(api, Triggered("birthday"));
        await ScheduleAsync(api, birthday, host.Clock.GetUtcNow());

        async Task<int> ScanAtAsync(string utc)
        {
            host.Clock.SetUtcNow(DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture));
            await host.RunJobAsync("campaigns", "FireCampaignTriggersJob");
            await host.RunJobAsync("campaigns", "SendCampaignsJob");
            return smtp.Count;
        }

        Assert.Equal(0, await ScanAtAsync("2026-11-02T12:00:00Z"));
        Assert.Equal(1, await ScanAtAsync("2026-11-03T12:00:00Z"));
        Assert.Equal(1, await ScanAtAsync("2026-11-03T15:00:00Z"));
        Assert.Equal(1, await ScanAtAsync("2026-11-04T12:00:00Z"));
        Assert.Equal(2, await ScanAtAsync("2027-11-03T12:00:00Z"));
        Assert.Equal(2, await ScanAtAsync("2027-11-03T13:00:00Z"));
        var log = await MessagesAsync(api, birthday);
        Assert.Equal(2, log.Count);
        Assert.All(log, m => Assert.Equal((ada, "sent"), (m.MemberId, m.Status)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_campaign_for_days_without_purchase_sends_once_per_lapse_and_again_after_the_next_purchase_lapses(DatabaseProvider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await LoyaltyHost.StartAsync(provider, smtp.Settings, schedulerHeld: true);
        var api = await SetUpAsync(host);
        var ada = await SmtpCampaignTests.EnrollAsync(api, "ada@example.com", "Ada", "en");
        var never = await SmtpCampaignTests.EnrollAsync(api, "never@example.com", "Nev", "en");
        var lapsed = await CreateAsync(api, Triggered("noPurchase", triggerDays: 10));
        await ScheduleAsync(api, lapsed, host.Clock.GetUtcNow());
        (await api.Members.PurchaseAsync("t-1", ada, 2000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();

        async Task<int> ScanAfterAsync(int days)
        {
            host.Clock.Advance(TimeSpan.FromDays(days));
            await host.RunJobAsync("campaigns", "FireCampaignTriggersJob");
            await host.RunJobAsync("campaigns", "SendCampaignsJob");
            return smtp.Count;
        }

        Assert.Equal(0, await ScanAfterAsync(9));
        Assert.Equal(1, await ScanAfterAsync(1));
        Assert.Equal(1, await ScanAfterAsync(1));
        (await api.Members.PurchaseAsync("t-2", ada, 2000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        Assert.Equal(1, await ScanAfterAsync(9));
        Assert.Equal(2, await ScanAfterAsync(1));
        Assert.All(await MessagesAsync(api, lapsed), m => Assert.Equal(ada, m.MemberId));
        Assert.DoesNotContain(await MessagesAsync(api, lapsed), m => m.MemberId == never);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_tier_upgrade_campaign_sends_one_message_per_upgrade_and_the_downgrade_campaign_none(DatabaseProvider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await LoyaltyHost.StartAsync(provider, smtp.Settings, schedulerHeld: true);
        var api = await SetUpAsync(host);
        (await api.Admin.PutAsJsonAsync($"/api/members/programs/{api.Members.Program}/tiers", new
        {
            basis = "QualifyingPoints", window = "Rolling12Months",
            tiers = new object[]
            {
                new { code = "silver", name = "Silver", rank = 1, threshold = 500, earningMultiplier = 1.0m },
                new { code = "gold", name = "Gold", rank = 2, threshold = 1000, earningMultiplier = 1.0m },
            },
        })).EnsureSuccessStatusCode();
        var ada = await SmtpCampaignTests.EnrollAsync(api, "ada@example.com", "Ada", "en");
        var upgrade = await CreateAsync(api, Triggered("tierUpgrade"));
        var downgrade = await CreateAsync(api, Triggered("tierDowngrade"));
        await ScheduleAsync(api, upgrade, host.Clock.GetUtcNow());
        await ScheduleAsync(api, downgrade, host.Clock.GetUtcNow());

        // Into the first tier is no upgrade; silver to gold is.
        (await api.Members.PurchaseAsync("t-1", ada, 60_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        await host.DeliverMembersEventsAsync();
        await host.RunJobAsync("campaigns", "SendCampaignsJob");
        Assert.Equal(0, smtp.Count);
        (await api.Members.PurchaseAsync("t-2", ada, 50_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        await host.DeliverMembersEventsAsync();
        await host.RunJobAsync("campaigns", "SendCampaignsJob");
        await host.RunJobAsync("campaigns", "SendCampaignsJob");

        Assert.Equal("ada@example.com", Assert.Single(smtp.Messages()).To.Mailboxes.Single().Address);
        var message = Assert.Single(await MessagesAsync(api, upgrade));
        Assert.Equal((ada, "sent"), (message.MemberId, message.Status));
        Assert.Empty(await MessagesAsync(api, downgrade));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_points_expiring_campaign_sends_once_N_days_before_the_points_expire(DatabaseProvider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await LoyaltyHost.StartAsync(provider, smtp.Settings, schedulerHeld: true);
        var api = await RewardsApi.CreateAsync(host, new { pendingDays = 0, expiryPolicy = "RollingMonths", expiryMonths = 1 });
        await Loyalty.Host.Tests.Consent.ConsentTests.SetUpPurposeAsync(await host.ApiKeyClientAsync(Loyalty.Shared.Security.Roles.DataProtectionOfficer), api.Members.Program);
        var ada = await SmtpCampaignTests.EnrollAsync(api, "ada@example.com", "Ada", "en");
        var expiring = await CreateAsync(api, Triggered("pointsExpiring", triggerDays: 7));
        await ScheduleAsync(api, expiring, host.Clock.GetUtcNow());
        (await api.Members.PurchaseAsync("t-1", ada, 20_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();

        var sentOnDay = new List<int>();
        for (var day = 1; day <= 40; day++)
        {
            host.Clock.Advance(TimeSpan.FromDays(1));
            await host.RunJobAsync("campaigns", "FireCampaignTriggersJob");
            await host.RunJobAsync("campaigns", "SendCampaignsJob");
            if (smtp.Count > sentOnDay.Count)
            {
                sentOnDay.Add(day);
            }
        }

        // The points expire a month after the purchase: one message, in the week before.
        Assert.InRange(Assert.Single(sentOnDay), 21, 31);
        Assert.Equal("sent", Assert.Single(await MessagesAsync(api, expiring)).Status);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_hold_out_group_is_not_sent_to_and_statistics_compare_its_points_and_vouchers_after_the_send_with_the_recipients(DatabaseProvider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await LoyaltyHost.StartAsync(provider, smtp.Settings, schedulerHeld: true);
        var api = await SetUpAsync(host);
        var members = new List<Guid>();
        for (var i = 0; i < 16; i++)
        {
            members.Add(await SmtpCampaignTests.EnrollAsync(api, $"m{i}@example.com", $"M{i}", "en"));
        }

        // Bought before the send: not the campaign's effect.
        foreach (var member in members)
        {
            (await api.Members.PurchaseAsync($"before-{member:N}", member, 5000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        }

        await host.DeliverMembersEventsAsync();
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var campaign = await CreateAsync(api, new
        {
            name = "Autumn", channel = "email", holdOutPercent = 50,
            contents = new[] { new { locale = "en", subject = "Hi {{ member.first_name }}", body = "<p>Hi</p>" } },
        });
        await ScheduleAsync(api, campaign, host.Clock.GetUtcNow());
        await SendDueCampaignsAsync(host, api);

        var log = await MessagesAsync(api, campaign);
        var heldOut = log.Where(m => m.Status == "heldOut").Select(m => m.MemberId).ToHashSet();
        var sent = log.Where(m => m.Status == "sent").Select(m => m.MemberId).ToHashSet();
        Assert.Equal(16, heldOut.Count + sent.Count);
        Assert.InRange(heldOut.Count, 2, 14);
        Assert.Equal(sent.Count, smtp.Count);
        Assert.DoesNotContain(smtp.Messages(), m => heldOut.Contains(members[int.Parse(m.To.Mailboxes.Single().Address[1..^12], CultureInfo.InvariantCulture)]));

        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var before = new Dictionary<Guid, long>();
        foreach (var member in members)
        {
            before[member] = await api.PointsAsync(member);
            // Recipients buy twice as much after the send.
            (await api.Members.PurchaseAsync($"after-{member:N}", member, sent.Contains(member) ? 4000 : 2000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        }

        await host.DeliverMembersEventsAsync();
        long EarnedBy(IEnumerable<Guid> group) => group.Sum(m => api.PointsAsync(m).GetAwaiter().GetResult() - before[m]);
        var statistics = (await api.Admin.GetFromJsonAsync<StatisticsView>($"{SmtpCampaignTests.Campaigns(api)}/{campaign}/statistics"))!;
        Assert.Equal(50, statistics.HoldOutPercent);
        Assert.Equal(sent.Count, statistics.Recipients.Members);
        Assert.Equal(heldOut.Count, statistics.HoldOut.Members);
        Assert.True(EarnedBy(sent) > 0);
        Assert.Equal(EarnedBy(sent), statistics.Recipients.PointsEarned);
        Assert.Equal(EarnedBy(heldOut), statistics.HoldOut.PointsEarned);
        Assert.Equal(Math.Round((decimal)EarnedBy(sent) / sent.Count, 2), statistics.Recipients.PointsPerMember);
        Assert.True(statistics.Recipients.PointsPerMember > statistics.HoldOut.PointsPerMember);
        Assert.Equal(0, statistics.Recipients.VouchersRedeemed + statistics.HoldOut.VouchersRedeemed);

        // The same campaign and members always give the same group: a restart or a second look chooses no others.
        Assert.Equal(heldOut, (await MessagesAsync(api, campaign)).Where(m => m.Status == "heldOut").Select(m => m.MemberId).ToHashSet());
    }

    private static object Triggered(string trigger, int? triggerDays = null, int? holdOutPercent = null) => new
    {
        name = $"On {trigger}",
        channel = "email",
        trigger,
        triggerDays,
        holdOutPercent,
        contents = new[] { new { locale = "en", subject = "Welcome {{ member.first_name }}", body = "<p>Hello {{ member.first_name }}</p>" } },
    };

    private static async Task<List<string>> ErrorsAsync(RewardsApi api, object campaign)
    {
        var response = await api.Admin.PostAsJsonAsync(SmtpCampaignTests.Campaigns(api), campaign);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Problem>())!.Errors.Keys.ToList();
    }

    private static async Task<Guid> EnrollBornAsync(RewardsApi api, string email, string birthDate)
    {
        var response = await api.Pos.PostAsJsonAsync(api.Members.Members, new { externalId = email, email, firstName = "Ada", locale = "en", channel = "web", birthDate });
        response.EnsureSuccessStatusCode();
        var member = (await response.Content.ReadFromJsonAsync<IdView>())!.Id;
        (await api.Pos.PostAsJsonAsync($"/api/consent/programs/{api.Members.Program}/members/{member}/consents",
            new { purpose = ConsentPurposes.EmailMarketing, channel = "email", textVersion = 1, locale = "en", source = "webForm", formId = "newsletter-signup" })).EnsureSuccessStatusCode();
        return member;
    }

    private sealed record GroupView(int Members, long PointsEarned, decimal PointsPerMember, int VouchersRedeemed, decimal VouchersPerMember, int MembersWhoRedeemed);

    private sealed record StatisticsView(int HoldOutPercent, GroupView Recipients, GroupView HoldOut);
}
