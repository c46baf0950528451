using System.Net;
using System.Net.Http.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Host.Tests.Rewards;
using Loyalty.Testing;
using static Loyalty.Host.Tests.Campaigns.SmtpCampaignTests;

namespace Loyalty.Host.Tests.Campaigns;

/// <summary>Recurring campaigns (a cron expression in the program's time zone) sent through MailKit to aiosmtpd.</summary>
public sealed class RecurringCampaignTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_recurrence_that_is_no_cron_expression_or_recurs_more_than_hourly_is_refused_at_save_naming_the_field(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await SetUpAsync(host);

        foreach (var recurrence in new[] { "every monday", "0 * * * * ?", "0 0 9 ? * MON 2020" })
        {
            var response = await api.Admin.PostAsJsonAsync(SmtpCampaignTests.Campaigns(api), Recurring(recurrence));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<Problem>();
            Assert.NotEmpty(Assert.Single(problem!.Errors, e => e.Key == "recurrence").Value);
        }

        var created = await CreateAsync(api, Recurring("0 0 9 ? * MON"));
        var changed = await api.Admin.PutAsJsonAsync($"{SmtpCampaignTests.Campaigns(api)}/{created}", Recurring("0 0/10 * * * ?"));
        Assert.Equal(HttpStatusCode.BadRequest, changed.StatusCode);
        Assert.Contains("at most once an hour", await changed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_recurring_campaign_sends_each_occurrence_once_in_the_programs_time_zone_as_a_campaign_of_its_own_until_cancelled(DatabaseProvider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await LoyaltyHost.StartAsync(provider, smtp.Settings);
        var api = await SetUpAsync(host);
        await EnrollAsync(api, "ada@example.com", "Ada", "en");
        await EnrollAsync(api, "no-consent@example.com", "Cleo", "en", consenting: false);
        // 11:00 in Europe/Berlin, the test program's zone, is 10:00 UTC in November; the clock starts at 09:00 UTC.
        var recurring = await CreateAsync(api, Recurring("0 0 11 * * ?"));
        await ScheduleAsync(api, recurring, host.Clock.GetUtcNow());

        var active = await RecurringAsync(api, recurring);
        Assert.Equal("active", active.Status);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.Zero), active.NextOccurrenceAt);
        await host.RunJobAsync("campaigns", "SendCampaignsJob");
        Assert.Equal(0, smtp.Count);
        Assert.Empty(await OccurrencesAsync(api, recurring));

        host.Clock.Advance(TimeSpan.FromMinutes(65));
        await SendDueCampaignsAsync(host, api);
        await host.RunJobAsync("campaigns", "SendCampaignsJob");

        var first = Assert.Single(await OccurrencesAsync(api, recurring));
        Assert.Equal(("completed", new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.Zero)), (first.Status, first.ScheduledAt));
        Assert.Equal("ada@example.com", Assert.Single(smtp.Messages()).To.Mailboxes.Single().Address);
        var log = await MessagesAsync(api, first.Id);
        Assert.Equal(["noConsent", "sent"], log.Select(m => m.Status).Order());
        Assert.Equal(new DateTimeOffset(2026, 11, 3, 10, 0, 0, TimeSpan.Zero), (await RecurringAsync(api, recurring)).NextOccurrenceAt);

        host.Clock.Advance(TimeSpan.FromDays(1));
        await SendDueCampaignsAsync(host, api);
        Assert.Equal(2, (await OccurrencesAsync(api, recurring)).Count);
        Assert.Equal(2, smtp.Count);

        (await api.Admin.PostAsync($"{SmtpCampaignTests.Campaigns(api)}/{recurring}/cancel", null)).EnsureSuccessStatusCode();
        host.Clock.Advance(TimeSpan.FromDays(1));
        await SendDueCampaignsAsync(host, api);
        Assert.Equal(2, (await OccurrencesAsync(api, recurring)).Count);
        Assert.Equal(2, smtp.Count);
    }

    private static object Recurring(string recurrence) => new
    {
        name = "Daily offer",
        channel = "email",
        recurrence,
        contents = new[] { new { locale = "en", subject = "Today for {{ member.first_name }}", body = "<p>Hi</p>" } },
    };

    private static async Task<RecurringView> RecurringAsync(RewardsApi api, Guid campaign) =>
        (await api.Admin.GetFromJsonAsync<RecurringView>($"{SmtpCampaignTests.Campaigns(api)}/{campaign}"))!;

    private static async Task<List<RecurringView>> OccurrencesAsync(RewardsApi api, Guid recurring) =>
        (await api.Admin.GetFromJsonAsync<List<RecurringView>>(SmtpCampaignTests.Campaigns(api)))!.Where(c => c.OccurrenceOf == recurring).ToList();

    private sealed record RecurringView(Guid Id, string Status, string? Recurrence, DateTimeOffset? ScheduledAt, DateTimeOffset? NextOccurrenceAt, Guid? OccurrenceOf);
}
