using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Loyalty.Host.Tests.Campaigns;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Consent;

/// <summary>Reminders to the DPO, sent through MailKit to a real SMTP server (aiosmtpd) and read from its Maildir.</summary>
public sealed class DpoReminderTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_dpo_is_emailed_once_when_a_request_is_due_soon_and_once_when_it_is_overdue_also_after_a_restart(DatabaseProvider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await LoyaltyHost.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Modules:Consent:Reminders:DpoAddresses:0"] = "dpo@shop.example",
            ["Modules:Consent:Reminders:DpoAddresses:1"] = "privacy@shop.example",
            ["Modules:Consent:Reminders:FromAddress"] = "loyalty@shop.example",
            ["Modules:Consent:Reminders:Host"] = "127.0.0.1",
            ["Modules:Consent:Reminders:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Modules:Consent:Reminders:Tls"] = "None",
            ["Modules:Consent:Reminders:AdminBaseUrl"] = "https://loyalty.shop.example/",
        }, schedulerHeld: true);
        var api = await MembersApi.CreateAsync(host);
        var dpo = await host.ApiKeyClientAsync(Roles.DataProtectionOfficer);
        var member = await api.EnrollAsync("shop-1", "ada.lovelace@example.com");

        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 1, 8, 0, 0, TimeSpan.Zero));
        var access = await FileAsync(dpo, new { type = "access", memberId = member, verification = "Signed in to the shop account" });
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 20, 8, 0, 0, TimeSpan.Zero));
        var rejected = await FileAsync(dpo, new { type = "objection", memberId = member, verification = "Signed in to the shop account" });
        (await dpo.PostAsJsonAsync($"/api/consent/requests/{rejected}/status", new { status = "rejected", reason = "Withdrawn by the person" })).EnsureSuccessStatusCode();
        var completed = await FileAsync(dpo, new { type = "restriction", memberId = member, verification = "Signed in to the shop account" });
        (await dpo.PostAsJsonAsync($"/api/consent/requests/{completed}/status", new { status = "completed" })).EnsureSuccessStatusCode();

        // Not yet within seven days of 1 April: nothing.
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 24, 9, 0, 0, TimeSpan.Zero));
        await host.RunJobAsync("consent", "SendDpoRemindersJob");
        Assert.Equal(0, smtp.Count);

        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 25, 9, 0, 0, TimeSpan.Zero));
        await host.RunJobAsync("consent", "SendDpoRemindersJob");
        await host.RunJobAsync("consent", "SendDpoRemindersJob");
        var soon = Assert.Single(smtp.Messages());
        Assert.Equal(["dpo@shop.example", "privacy@shop.example"], soon.To.Mailboxes.Select(m => m.Address));
        Assert.Equal($"Due soon: data subject request {access} is due on 2027-04-01", soon.Subject);
        Assert.Contains("in 7 day(s)", soon.TextBody, StringComparison.Ordinal);
        Assert.Contains($"https://loyalty.shop.example/admin/gdpr/requests/{access}", soon.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("/api/", soon.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("ada", soon.TextBody + soon.Subject, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(member.ToString(), soon.TextBody + soon.Subject, StringComparison.OrdinalIgnoreCase);

        // Overdue the day after; another node (a restart) sends neither stage again.
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 4, 2, 9, 0, 0, TimeSpan.Zero));
        await host.RunJobAsync("consent", "SendDpoRemindersJob");
        await using (var restarted = host.AnotherNode())
        {
            await restarted.RunJobAsync("consent", "SendDpoRemindersJob");
        }

        var messages = smtp.Messages();
        Assert.Equal(2, messages.Count);
        Assert.Single(messages, m => m.Subject == $"Overdue: data subject request {access} was due on 2027-04-01");
        Assert.DoesNotContain(messages, m => m.Subject!.Contains(rejected.ToString(), StringComparison.Ordinal) || m.Subject.Contains(completed.ToString(), StringComparison.Ordinal));

        // The request's audit trail (shown on its admin page) says which reminders were sent.
        var audit = await dpo.GetFromJsonAsync<JsonElement>($"/api/consent/requests/{access}/audit");
        Assert.Equal(["due-soon", "overdue"], audit.EnumerateArray().Where(e => e.GetProperty("action").GetString() == "consent.request.reminded")
            .Select(e => JsonSerializer.Deserialize<JsonElement>(e.GetProperty("details").GetString()!).GetProperty("stage").GetString()!));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_extension_arms_the_reminders_again_for_the_new_due_date_and_the_old_date_is_never_overdue(DatabaseProvider provider)
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await LoyaltyHost.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Modules:Consent:Reminders:DpoAddresses:0"] = "dpo@shop.example",
            ["Modules:Consent:Reminders:Host"] = "127.0.0.1",
            ["Modules:Consent:Reminders:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Modules:Consent:Reminders:Tls"] = "None",
        }, schedulerHeld: true);
        var api = await MembersApi.CreateAsync(host);
        var dpo = await host.ApiKeyClientAsync(Roles.DataProtectionOfficer);
        var member = await api.EnrollAsync("shop-1", "ada.lovelace@example.com");
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 1, 8, 0, 0, TimeSpan.Zero));
        var access = await FileAsync(dpo, new { type = "access", memberId = member, verification = "Signed in to the shop account" });

        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 25, 9, 0, 0, TimeSpan.Zero));
        await host.RunJobAsync("consent", "SendDpoRemindersJob");
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 28, 9, 0, 0, TimeSpan.Zero));
        (await dpo.PostAsJsonAsync($"/api/consent/requests/{access}/extension", new { months = 1, reason = "Complex request" })).EnsureSuccessStatusCode();
        await host.RunJobAsync("consent", "SendDpoRemindersJob");
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 4, 2, 9, 0, 0, TimeSpan.Zero));
        await host.RunJobAsync("consent", "SendDpoRemindersJob");
        Assert.Equal([$"Due soon: data subject request {access} is due on 2027-04-01"], smtp.Messages().Select(m => m.Subject!));

        host.Clock.SetUtcNow(new DateTimeOffset(2027, 4, 24, 9, 0, 0, TimeSpan.Zero));
        await host.RunJobAsync("consent", "SendDpoRemindersJob");
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 5, 2, 9, 0, 0, TimeSpan.Zero));
        await host.RunJobAsync("consent", "SendDpoRemindersJob");
        await host.RunJobAsync("consent", "SendDpoRemindersJob");

        Assert.Equal(
            [
                $"Due soon: data subject request {access} is due on 2027-04-01",
                $"Due soon: data subject request {access} is due on 2027-05-01",
                $"Overdue: data subject request {access} was due on 2027-05-01",
            ],
            smtp.Messages().Select(m => m.Subject!).Order(StringComparer.Ordinal));
    }

    private static async Task<Guid> FileAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/consent/requests", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
