using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Loyalty.Consent.Contracts;
using Loyalty.Host.Tests.Rewards;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using Microsoft.Extensions.DependencyInjection;
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
        var consent = new TestConsentGate();
        await using var host = await LoyaltyHost.StartAsync(provider, smtp.Settings, s => s.AddSingleton<IConsentGate>(consent));
        var api = await RewardsApi.CreateAsync(host);
        var voucher = await api.CreateRewardAsync(new { codeFormat = new { prefix = "WELCOME-" } });
        var ada = await EnrollAsync(api, "ada@example.com", "Ada", "en-GB");
        var bert = await EnrollAsync(api, "bert@example.com", "Bert", "de-AT");
        var refused = await EnrollAsync(api, "no-consent@example.com", "Cleo", "en");
        consent.Refused.Add(refused);
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
        await host.RunJobAsync("campaigns", "SendCampaignsJob");

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
        Assert.Empty(consent.Withdrawals);
        var post = await anonymous.PostAsync(new Uri(unsubscribe).PathAndQuery, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal([(ada, ConsentPurposes.EmailMarketing, ConsentChannels.Email)], consent.Withdrawals);
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
        await using var host = await LoyaltyHost.StartAsync(provider, settings, s => s.AddSingleton<IConsentGate>(new TestConsentGate()));
        var api = await RewardsApi.CreateAsync(host);
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
            await host.RunJobAsync("campaigns", "SendCampaignsJob", stop.Token);
            await watcher;
        }

        var midway = (await GetAsync(api, campaign)).Progress!;
        Assert.Equal("sending", (await GetAsync(api, campaign)).Status);
        Assert.InRange(midway.Sent, 4, 9);
        Assert.Equal(10, midway.Audience);

        await host.RunJobAsync("campaigns", "SendCampaignsJob");

        var addresses = smtp.Messages().Select(m => m.To.Mailboxes.Single().Address).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"m{i}@example.com").Order(), addresses);
        var done = await GetAsync(api, campaign);
        Assert.Equal("completed", done.Status);
        Assert.Equal(10, done.Progress!.Sent);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_template_that_does_not_parse_is_refused_at_save_and_a_value_missing_at_send_skips_only_that_member(DatabaseProvider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await LoyaltyHost.StartAsync(provider, smtp.Settings, s => s.AddSingleton<IConsentGate>(new TestConsentGate()));
        var api = await RewardsApi.CreateAsync(host);
        var withName = await EnrollAsync(api, "named@example.com", "Nora", "en", lastName: "Noether");
        var withoutName = await EnrollAsync(api, "anon@example.com", "Anon", "en");

        var broken = await api.Admin.PostAsJsonAsync(Campaigns(api), Simple("<p>\n{{ for offer in offers }}\n"));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        var problem = await broken.Content.ReadFromJsonAsync<Problem>();
        Assert.Matches("^Line 3, column 1: .*end", Assert.Single(problem!.Errors["contents[0].body"]));

        var campaign = await CreateAsync(api, Simple("<p>Dear {{ member.first_name }} {{ member.last_name }}</p>"));
        var preview = await api.Admin.PostAsJsonAsync($"{Campaigns(api)}/{campaign}/preview", new { memberId = withoutName });
        Assert.Contains("member.last_name", (await preview.Content.ReadFromJsonAsync<PreviewView>())!.Error, StringComparison.Ordinal);
        var test = await api.Admin.PostAsJsonAsync($"{Campaigns(api)}/{campaign}/test-send", new { memberId = withName, address = "marketer@shop.example" });
        Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        var testMail = Assert.Single(smtp.Messages());
        Assert.Equal("[Test] Hello", testMail.Subject);
        Assert.Contains("Dear Nora Noether", testMail.HtmlBody, StringComparison.Ordinal);
        Assert.False(testMail.Headers.Contains("List-Unsubscribe"));

        await ScheduleAsync(api, campaign, host.Clock.GetUtcNow());
        await host.RunJobAsync("campaigns", "SendCampaignsJob");

        Assert.Equal(["marketer@shop.example", "named@example.com"], smtp.Messages().Select(m => m.To.Mailboxes.Single().Address).Order());
        var skipped = (await MessagesAsync(api, campaign)).Single(m => m.MemberId == withoutName);
        Assert.Equal("skipped", skipped.Status);
        Assert.Matches("^Template en body, line 1, column 2[0-9]: .*member.last_name", skipped.Reason);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_transient_refusal_is_retried_a_permanent_one_is_a_bounce_and_the_cap_holds_across_campaigns(DatabaseProvider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await LoyaltyHost.StartAsync(provider, smtp.Settings, s => s.AddSingleton<IConsentGate>(new TestConsentGate()));
        var api = await RewardsApi.CreateAsync(host);
        var busy = await EnrollAsync(api, "busy@example.com", "Busy", "en");
        var bounce = await EnrollAsync(api, "bounce@example.com", "Gone", "en");
        (await api.Admin.PutAsJsonAsync($"/api/campaigns/programs/{api.Members.Program}/messaging-settings",
            new { capMessages = 1, capDays = 7, quietFrom = (string?)null, quietUntil = (string?)null })).EnsureSuccessStatusCode();

        var first = await CreateAsync(api, Simple("First"));
        await ScheduleAsync(api, first, host.Clock.GetUtcNow());
        await host.RunJobAsync("campaigns", "SendCampaignsJob");
        host.Clock.Advance(TimeSpan.FromDays(1));
        var second = await CreateAsync(api, Simple("Second"));
        await ScheduleAsync(api, second, host.Clock.GetUtcNow());
        await host.RunJobAsync("campaigns", "SendCampaignsJob");

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

    internal static string Campaigns(RewardsApi api) => $"/api/campaigns/programs/{api.Members.Program}/campaigns";

    internal static async Task<Guid> EnrollAsync(RewardsApi api, string email, string firstName, string locale, string? lastName = null)
    {
        var response = await api.Pos.PostAsJsonAsync(api.Members.Members, new { externalId = email, email, firstName, lastName, locale, channel = "web" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<IdView>())!.Id;
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
}

/// <summary>
/// Stands in for Consent's gate: everyone may be contacted except <see cref="Refused"/>, and withdrawals are recorded.
/// </summary>
internal sealed class TestConsentGate : IConsentGate
{
    public ConcurrentBag<Guid> Refused { get; } = [];

    public ConcurrentQueue<(Guid MemberId, string Purpose, string Channel)> Withdrawals { get; } = new();

    public Task<bool> MayContactAsync(Guid memberId, string purpose, string channel, CancellationToken cancellationToken) =>
        Task.FromResult(!Refused.Contains(memberId) && !Withdrawals.Any(w => w.MemberId == memberId));

    public Task<IReadOnlySet<Guid>> WhoMayBeContactedAsync(IReadOnlyCollection<Guid> memberIds, string purpose, string channel, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<Guid>>(memberIds.Where(m => !Refused.Contains(m) && !Withdrawals.Any(w => w.MemberId == m)).ToHashSet());

    public Task<IReadOnlySet<Guid>> ExcludedFromAsync(Guid programId, ProcessingUse use, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<Guid>>(Refused.ToHashSet());

    public Task WithdrawAsync(Guid memberId, string purpose, string channel, string source, CancellationToken cancellationToken)
    {
        Withdrawals.Enqueue((memberId, purpose, channel));
        return Task.CompletedTask;
    }
}
