using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Loyalty.Consent.Contracts;
using Loyalty.Host.Tests.Consent;
using Loyalty.Host.Tests.Rewards;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using MimeKit;

namespace Loyalty.Host.Tests.Campaigns;

/// <summary>Campaigns sent through MailKit to a real SMTP server (aiosmtpd) on 127.0.0.1, asserted on what arrived.</summary>
public sealed partial class SmtpCampaignTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_scheduled_campaign_sends_each_consenting_member_one_personalised_email_in_their_locale_with_a_working_one_click_unsubscribe(DatabaseProvider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await LoyaltyHost.StartAsync(provider, smtp.Settings);
        var api = await SetUpAsync(host);
        var voucher = await api.CreateRewardAsync(new { codeFormat = new { prefix = "WELCOME-" } });
        var ada = await EnrollAsync(api, "ada@example.com", "Ada", "en-GB");
        var bert = await EnrollAsync(api, "bert@example.com", "Bert", "de-AT");
        var refused = await EnrollAsync(api, "no-consent@example.com", "Cleo", "en", consenting: false);
        var campaign = await CreateAsync(api, new
        {
            name = "Welcome",
            channel = "email",
            defaultLocale = "en",
            voucherTemplateId = voucher.Id,
            trackOpens = true,
            trackClicks = true,
            contents = new object[]
            {
                new { locale = "en", subject = "{{ member.first_name }}, a gift", body = "<p>Hello {{ member.first_name }}, you have {{ member.balance }} points. Code {{ voucher.code }}.</p><a href=\"https://shop.example/offers\">Shop</a>" },
                new { locale = "de", subject = "{{ member.first_name }}, ein Geschenk", body = "<p>Hallo {{ member.first_name }}, Sie haben {{ member.balance }} Punkte. Code {{ voucher.code }}.</p>" },
            },
        });

        await ScheduleAsync(api, campaign, host.Clock.GetUtcNow());
        await SendDueCampaignsAsync(host, api);

        var received = smtp.Messages();
        Assert.Equal(2, received.Count);
        var toAda = Assert.Single(received, m => m.To.Mailboxes.Single().Address == "ada@example.com");
        var toBert = Assert.Single(received, m => m.To.Mailboxes.Single().Address == "bert@example.com");
        Assert.Equal("Ada, a gift", toAda.Subject);
        Assert.Equal("Bert, ein Geschenk", toBert.Subject);
        Assert.Matches("Hello Ada, you have 0 points. Code WELCOME-[A-Z0-9]+\\.", toAda.HtmlBody);
        Assert.Contains("Hallo Bert", toBert.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", toAda.Headers["List-Unsubscribe-Post"]);
        var unsubscribe = UnsubscribeUrl().Match(toAda.Headers["List-Unsubscribe"] ?? "").Groups["url"].Value;
        Assert.StartsWith("http://localhost/api/campaigns/m/unsubscribe/", unsubscribe, StringComparison.Ordinal);
        var log = await MessagesAsync(api, campaign);
        Assert.Equal("noConsent", log.Single(m => m.MemberId == refused).Status);
        Assert.All(log.Where(m => m.MemberId != refused), m => Assert.Equal("sent", m.Status));

        // A link scanner's GET changes nothing; the mail client's one-click POST withdraws the consent.
        using var anonymous = host.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri(unsubscribe).PathAndQuery)).StatusCode);
        Assert.True(await ConsentTests.GateAsync(host, g => g.MayContactAsync(ada, ConsentPurposes.EmailMarketing, ConsentChannels.Email, CancellationToken.None)));
        var post = await anonymous.PostAsync(new Uri(unsubscribe).PathAndQuery, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.False(await ConsentTests.GateAsync(host, g => g.MayContactAsync(ada, ConsentPurposes.EmailMarketing, ConsentChannels.Email, CancellationToken.None)));
        Assert.True(await ConsentTests.GateAsync(host, g => g.MayContactAsync(bert, ConsentPurposes.EmailMarketing, ConsentChannels.Email, CancellationToken.None)));
        var forged = unsubscribe[..^3] + (unsubscribe[^3] == 'A' ? "B" : "A") + unsubscribe[^2..];
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsync(new Uri(forged).PathAndQuery, null)).StatusCode);

        var click = ClickUrl().Match(toAda.HtmlBody ?? "").Groups["url"].Value;
        var redirect = await anonymous.GetAsync(new Uri(WebUtility.HtmlDecode(click)).PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("https://shop.example/offers", redirect.Headers.Location!.ToString());
        var progress = (await GetAsync(api, campaign)).Progress!;
        Assert.Equal("completed", (await GetAsync(api, campaign)).Status);
        Assert.Equal((3, 2, 1, 1, 1), (progress.Audience, progress.Sent, progress.NoConsent, progress.Clicked, progress.Unsubscribed));
        Assert.Equal(1, progress.Opened);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_send_stopped_midway_is_resumed_by_the_next_run_and_every_member_gets_exactly_one_email(DatabaseProvider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        var settings = new Dictionary<string, string?>(smtp.Settings) { ["Modules:Campaigns:Messaging:BatchSize"] = "3" };
        // Held: the host's own 15-second trigger would otherwise finish the send before the test looks at it midway.
        await using var host = await LoyaltyHost.StartAsync(provider, settings, schedulerHeld: true);
        var api = await SetUpAsync(host);
        var members = new List<Guid>();
        for (var i = 0; i < 10; i++)
        {
            members.Add(await EnrollAsync(api, $"m{i}@example.com", $"M{i}", "en"));
        }

        var campaign = await CreateAsync(api, Simple("Hi {{ member.first_name }}"));
        await ScheduleAsync(api, campaign, host.Clock.GetUtcNow());

        using (var stop = new CancellationTokenSource())
        {
            var watcher = Task.Run(async () =>
            {
                while (smtp.Count < 4)
                {
                    await Task.Delay(5);
                }

                await stop.CancelAsync();
            });
            try
            {
                await host.RunJobAsync("campaigns", "SendCampaignsJob", stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // A job stopped by the scheduler's shutdown may end by throwing, depending on where the stop finds it.
            }

            await watcher;
        }

        var midway = (await GetAsync(api, campaign)).Progress!;
        Assert.Equal("sending", (await GetAsync(api, campaign)).Status);
        Assert.InRange(midway.Sent, 4, 9);
        Assert.Equal(10, midway.Audience);

        await SendDueCampaignsAsync(host, api);

        var addresses = smtp.Messages().Select(m => m.To.Mailboxes.Single().Address).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"m{i}@example.com").Order(), addresses);
        var done = await GetAsync(api, campaign);
        Assert.Equal("completed", done.Status);
        Assert.Equal(10, done.Progress!.Sent);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_campaign_to_a_segment_reaches_only_the_segments_members_and_an_unknown_segment_is_refused_by_field(DatabaseProvider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await LoyaltyHost.StartAsync(provider, smtp.Settings);
        var api = await SetUpAsync(host);
        var vip = await EnrollAsync(api, "vip@example.com", "Vera", "en");
        var alsoVip = await EnrollAsync(api, "also-vip@example.com", "Vic", "en");
        await EnrollAsync(api, "regular@example.com", "Rita", "en");
        var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var segments = $"/api/campaigns/programs/{api.Members.Program}/segments";
        (await marketer.PostAsJsonAsync(segments, new { code = "vip", name = "VIP", members = new { ids = new[] { vip, alsoVip } } })).EnsureSuccessStatusCode();
        for (var i = 0; (await marketer.GetFromJsonAsync<SegmentStateView>($"{segments}/vip"))!.Evaluation.State != "done"; i++)
        {
            Assert.True(i < 100, "The segment was not evaluated.");
            await host.RunJobAsync("campaigns", "EvaluateSegmentsJob");
        }

        var unknown = await api.Admin.PostAsJsonAsync(Campaigns(api), new { name = "VIP news", channel = "email", segment = "gold", contents = new[] { new { locale = "en", subject = "News", body = "<p>Hi</p>" } } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("\"segment\"", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var campaign = await CreateAsync(api, new { name = "VIP news", channel = "email", segment = "vip", contents = new[] { new { locale = "en", subject = "News for {{ member.first_name }}", body = "<p>Hi</p>" } } });
        await ScheduleAsync(api, campaign, host.Clock.GetUtcNow());
        await SendDueCampaignsAsync(host, api);

        Assert.Equal(["also-vip@example.com", "vip@example.com"], smtp.Messages().Select(m => m.To.Mailboxes.Single().Address).Order());
        Assert.Equal((2, 2), ((await GetAsync(api, campaign)).Progress!.Audience, (await GetAsync(api, campaign)).Progress!.Sent));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_template_that_does_not_parse_is_refused_at_save_a_test_send_repeated_with_its_key_arrives_once_and_a_value_missing_at_send_skips_only_that_member(DatabaseProvider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await LoyaltyHost.StartAsync(provider, smtp.Settings);
        var api = await SetUpAsync(host);
        var withName = await EnrollAsync(api, "named@example.com", "Nora", "en", lastName: "Noether");
        var withoutName = await EnrollAsync(api, "anon@example.com", "Anon", "en");

        var broken = await api.Admin.PostAsJsonAsync(Campaigns(api), Simple("<p>\n{{ for offer in offers }}\n"));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        var problem = await broken.Content.ReadFromJsonAsync<Problem>();
        // Scriban places an unclosed for at the statement it could not finish.
        Assert.Matches("^Line 2, column [0-9]+: Error while parsing for statement", Assert.Single(problem!.Errors["contents[0].body"]));

        var campaign = await CreateAsync(api, Simple("<p>Dear {{ member.first_name }} {{ member.last_name }}</p>"));
        var preview = await api.Admin.PostAsJsonAsync($"{Campaigns(api)}/{campaign}/preview", new { memberId = withoutName });
        Assert.Contains("member.last_name", (await preview.Content.ReadFromJsonAsync<PreviewView>())!.Error, StringComparison.Ordinal);
        var key = Guid.NewGuid().ToString();
        var testSend = new { memberId = withName, address = "marketer@shop.example" };
        var test = await IdempotencyKeyTests.PostAsync(api.Admin, $"{Campaigns(api)}/{campaign}/test-send", testSend, key);
        Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        var repeat = await IdempotencyKeyTests.PostAsync(api.Admin, $"{Campaigns(api)}/{campaign}/test-send", testSend, key);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(await test.Content.ReadAsStringAsync(), await repeat.Content.ReadAsStringAsync());
        var testMail = Assert.Single(smtp.Messages());
        Assert.Equal("[Test] Hello", testMail.Subject);
        Assert.Contains("Dear Nora Noether", testMail.HtmlBody, StringComparison.Ordinal);
        Assert.False(testMail.Headers.Contains("List-Unsubscribe"));

        await ScheduleAsync(api, campaign, host.Clock.GetUtcNow());
        await SendDueCampaignsAsync(host, api);

        Assert.Equal(["marketer@shop.example", "named@example.com"], smtp.Messages().Select(m => m.To.Mailboxes.Single().Address).Order());
        var skipped = (await MessagesAsync(api, campaign)).Single(m => m.MemberId == withoutName);
        Assert.Equal("skipped", skipped.Status);
        Assert.Matches("^Template en body, line 1, column 36: .*member.last_name", skipped.Reason);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_transient_refusal_is_retried_a_permanent_one_is_a_bounce_and_the_cap_holds_across_campaigns(DatabaseProvider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await LoyaltyHost.StartAsync(provider, smtp.Settings);
        var api = await SetUpAsync(host);
        var busy = await EnrollAsync(api, "busy@example.com", "Busy", "en");
        var bounce = await EnrollAsync(api, "bounce@example.com", "Gone", "en");
        (await api.Admin.PutAsJsonAsync($"/api/campaigns/programs/{api.Members.Program}/messaging-settings",
            new { capMessages = 1, capDays = 7, quietFrom = (string?)null, quietUntil = (string?)null })).EnsureSuccessStatusCode();

        var first = await CreateAsync(api, Simple("First"));
        await ScheduleAsync(api, first, host.Clock.GetUtcNow());
        await SendDueCampaignsAsync(host, api);
        host.Clock.Advance(TimeSpan.FromDays(1));
        var second = await CreateAsync(api, Simple("Second"));
        await ScheduleAsync(api, second, host.Clock.GetUtcNow());
        await SendDueCampaignsAsync(host, api);

        var delivered = Assert.Single(smtp.Messages());
        Assert.Equal("busy@example.com", delivered.To.Mailboxes.Single().Address);
        var log = await MessagesAsync(api, first);
        Assert.Equal(("sent", 2), log.Where(m => m.MemberId == busy).Select(m => (m.Status, m.Attempts)).Single());
        Assert.Equal("bounced", log.Single(m => m.MemberId == bounce).Status);
        Assert.Contains("550", log.Single(m => m.MemberId == bounce).Reason, StringComparison.Ordinal);
        var later = await MessagesAsync(api, second);
        Assert.Equal("capped", later.Single(m => m.MemberId == busy).Status);
        // A bounce is no message received: it does not count toward the cap.
        Assert.Equal("bounced", later.Single(m => m.MemberId == bounce).Status);
    }

    internal static object Simple(string body) => new
    {
        name = "Campaign",
        channel = "email",
        contents = new[] { new { locale = "en", subject = "Hello", body } },
    };

    /// <summary>
    /// Runs the send job until none of the program's campaigns is due or sending: the scheduler's own run of the job may
    /// hold a campaign's claim when the test's run looks, and then the test's run leaves that campaign to it.
    /// </summary>
    internal static async Task SendDueCampaignsAsync(LoyaltyHost host, RewardsApi api)
    {
        for (var i = 0; i < 100; i++)
        {
            await host.RunJobAsync("campaigns", "SendCampaignsJob");
            var campaigns = (await api.Admin.GetFromJsonAsync<List<CampaignView>>(Campaigns(api)))!;
            if (campaigns.All(c => c.Status is not ("scheduled" or "sending")))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("The due campaigns were not sent.");
    }

    internal static string Campaigns(RewardsApi api) => $"/api/campaigns/programs/{api.Members.Program}/campaigns";

    /// <summary>A program whose email-marketing purpose has a published consent text, as Consent's tests set it up.</summary>
    internal static async Task<RewardsApi> SetUpAsync(LoyaltyHost host)
    {
        var api = await RewardsApi.CreateAsync(host);
        await ConsentTests.SetUpPurposeAsync(await host.ApiKeyClientAsync(Roles.DataProtectionOfficer), api.Members.Program);
        return api;
    }

    /// <summary>Enrols a member who, unless <paramref name="consenting"/> is false, grants email marketing by email through Consent's API.</summary>
    internal static async Task<Guid> EnrollAsync(RewardsApi api, string email, string firstName, string locale, string? lastName = null, bool consenting = true)
    {
        var response = await api.Pos.PostAsJsonAsync(api.Members.Members, new { externalId = email, email, firstName, lastName, locale, channel = "web" });
        response.EnsureSuccessStatusCode();
        var member = (await response.Content.ReadFromJsonAsync<IdView>())!.Id;
        if (consenting)
        {
            var granted = await api.Pos.PostAsJsonAsync($"/api/consent/programs/{api.Members.Program}/members/{member}/consents",
                new { purpose = ConsentPurposes.EmailMarketing, channel = "email", textVersion = 1, locale = "en", source = "webForm", formId = "newsletter-signup" });
            Assert.True(granted.IsSuccessStatusCode, await granted.Content.ReadAsStringAsync());
        }

        return member;
    }

    internal static async Task<Guid> CreateAsync(RewardsApi api, object campaign)
    {
        var response = await api.Admin.PostAsJsonAsync(Campaigns(api), campaign);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<IdView>())!.Id;
    }

    internal static async Task ScheduleAsync(RewardsApi api, Guid campaign, DateTimeOffset at)
    {
        var response = await api.Admin.PostAsJsonAsync($"{Campaigns(api)}/{campaign}/schedule", new { at });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    internal static async Task<CampaignView> GetAsync(RewardsApi api, Guid campaign) =>
        (await api.Admin.GetFromJsonAsync<CampaignView>($"{Campaigns(api)}/{campaign}"))!;

    internal static async Task<List<MessageView>> MessagesAsync(RewardsApi api, Guid campaign) =>
        (await api.Admin.GetFromJsonAsync<MessagePageView>($"{Campaigns(api)}/{campaign}/messages?limit=1000"))!.Items;

    [GeneratedRegex("^<(?<url>[^>]+)>$")]
    private static partial Regex UnsubscribeUrl();

    [GeneratedRegex("href=\"(?<url>http://localhost/api/campaigns/m/click/[^\"]+)\"")]
    private static partial Regex ClickUrl();

    internal sealed record IdView(Guid Id);

    internal sealed record Problem(Dictionary<string, string[]> Errors);

    internal sealed record PreviewView(string Locale, string? Subject, string? Body, string? Error);

    internal sealed record ProgressView(int Audience, int Queued, int Sent, int Delivered, int Failed, int Bounced, int NoConsent, int Capped, int Skipped, int Interrupted, int Opened, int Clicked, int Unsubscribed);

    internal sealed record CampaignView(Guid Id, string Status, ProgressView? Progress);

    internal sealed record MessageView(Guid Id, Guid MemberId, string Status, string? Reason, string? Address, int Attempts);

    internal sealed record MessagePageView(List<MessageView> Items);

    internal sealed record SegmentStateView(string Code, SegmentEvaluationView Evaluation);

    internal sealed record SegmentEvaluationView(string State);
}
