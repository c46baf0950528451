using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Contracts;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.PersonalData;

public sealed class PersonalDataTests
{
    private const string Email = "grace.hopper@example.com";
    private const string Phone = "+4930123456789";
    private const string Card = "CARD-77123";
    private const string ExternalId = "shop-hopper-1";
    private const string IpAddress = "198.51.100.42";

    /// <summary>Tables that may keep a value of the member after erasure, and why; everything else is scanned.</summary>
    private static readonly HashSet<string> Exempt = new(StringComparer.Ordinal)
    {
        // Answers to repeated requests are deleted after Idempotency:Retention; they are binary, not scanned here.
        "IdempotencyRecords",
    };

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_erased_member_leaves_no_personal_data_in_any_module_table_and_their_export_held_all_of_it(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        var enrolled = await api.Pos.PostAsJsonAsync(api.Members, new
        {
            externalId = ExternalId, cardNumber = Card, email = Email, phone = Phone, firstName = "Grace", lastName = "Hopperson",
            birthDate = "1966-12-09", locale = "en-US", address = new { line1 = "Navy Yard 7", city = "Arlington", postalCode = "22201", country = "US" },
            attributes = new { favouriteStore = "\"pentagon-city\"" },
        });
        enrolled.EnsureSuccessStatusCode();
        var memberId = (await enrolled.Content.ReadFromJsonAsync<MembersApi.MemberView>())!.Id;
        var now = host.Clock.GetUtcNow();
        (await api.PurchaseAsync("T-1", memberId, 4200, now.AddHours(-1))).EnsureSuccessStatusCode();
        (await api.PurchaseAsync("T-2", memberId, 1800, now.AddMinutes(-5))).EnsureSuccessStatusCode();
        var activity = await api.Pos.PostAsJsonAsync($"/api/campaigns/programs/{api.Program}/activities", new { externalId = "review-1", memberId, type = "reviewWritten", occurredAt = now.AddMinutes(-2) });
        activity.EnsureSuccessStatusCode();
        var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var code = (await marketer.GetFromJsonAsync<JsonElement>($"/api/campaigns/programs/{api.Program}/members/{memberId}/referrals")).GetProperty("code").GetString();
        (await api.Pos.PostAsJsonAsync(api.Members, new { externalId = "friend-1", referralCode = code })).EnsureSuccessStatusCode();
        await WaitForReferralAsync(host, memberId);

        // A data subject request whose notes name the person (Consent).
        var dpo = await host.ApiKeyClientAsync(Loyalty.Shared.Security.Roles.DataProtectionOfficer);
        (await dpo.PostAsJsonAsync("/api/consent/requests", new
        {
            type = "access", memberId, verification = "Signed in to the shop account", notes = $"Grace Hopperson called from {Phone}, answer to {Email}",
        })).EnsureSuccessStatusCode();

        // A consent given from an IP address (Consent).
        await Consent.ConsentTests.SetUpPurposeAsync(dpo, api.Program);
        (await api.Pos.PostAsJsonAsync($"/api/consent/programs/{api.Program}/members/{memberId}/consents",
            new { purpose = "email-marketing", channel = "email", textVersion = 1, locale = "en", source = "webForm", ipAddress = IpAddress })).EnsureSuccessStatusCode();

        var export = await ExportAsync(host, memberId);
        Assert.Equal(IpAddress, export.GetProperty("consent").GetProperty("consents")[0].GetProperty("ipAddress").GetString());
        Assert.Contains(Email, export.GetProperty("consent").GetProperty("requests")[0].GetProperty("notes").GetString(), StringComparison.Ordinal);
        var members = export.GetProperty("members");
        Assert.Equal(Email, members.GetProperty("profile").GetProperty("email").GetString());
        Assert.Equal([Card, ExternalId], members.GetProperty("identifiers").EnumerateArray().Select(i => i.GetProperty("value").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(["T-1", "T-2"], members.GetProperty("transactions").EnumerateArray().Select(t => t.GetProperty("externalId").GetString()));
        Assert.Equal(["review-1"], export.GetProperty("campaigns").GetProperty("activities").EnumerateArray().Select(a => a.GetProperty("externalId").GetString()));
        Assert.Equal(code, export.GetProperty("campaigns").GetProperty("referralCode").GetString());
        Assert.Single(export.GetProperty("campaigns").GetProperty("referrals").EnumerateArray());
        Assert.Equal(60, members.GetProperty("ledger").EnumerateArray().Where(e => e.GetProperty("currency").GetString() == "points").Sum(e => e.GetProperty("points").GetInt64()));

        var first = await EraseAsync(host, memberId);
        var again = await EraseAsync(host, memberId);

        Assert.Equal(first.Select(r => (r.Module, string.Join("|", r.Erased), r.Retained.Count)), again.Select(r => (r.Module, string.Join("|", r.Erased), r.Retained.Count)));
        Assert.All(first, r => Assert.All(r.Retained, kept => Assert.False(string.IsNullOrWhiteSpace(kept.LegalBasis))));
        string[] personal = [Email, Phone, Card, ExternalId, IpAddress, "Grace", "Hopperson", "Navy Yard", "pentagon-city", "1966-12-09"];
        Assert.Empty(await TablesHoldingAsync(host, personal));

        // The member stays as a pseudonymous record: the points history adds up, the person is gone.
        var view = await api.Admin.GetFromJsonAsync<MembersApi.MemberView>($"{api.Members}/{memberId}");
        Assert.Equal(("Erased", null, 0), (view!.Status, view.Email, view.Identifiers.Count));
        Assert.Empty((await api.Admin.GetFromJsonAsync<List<object>>($"/api/members/programs/{api.Program}/ledger-check"))!);
        Assert.Equal(JsonValueKind.Null, (await ExportAsync(host, memberId)).GetProperty("members").GetProperty("profile").GetProperty("email").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await ExportAsync(host, memberId)).GetProperty("campaigns").GetProperty("referralCode").ValueKind);
    }

    /// <summary>Lets the outbox dispatcher, which polls on the host's clock, deliver the enrolment that records the referral.</summary>
    private static async Task WaitForReferralAsync(LoyaltyHost host, Guid referrer)
    {
        for (var i = 0; i < 200; i++)
        {
            var export = await ExportAsync(host, referrer);
            if (export.GetProperty("campaigns").GetProperty("referrals").GetArrayLength() > 0)
            {
                return;
            }

            host.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }

        Assert.Fail("The referral was not recorded.");
    }

    private static async Task<JsonElement> ExportAsync(LoyaltyHost host, Guid memberId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        using var stream = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var provider in scope.ServiceProvider.GetServices<IPersonalDataProvider>())
            {
                writer.WritePropertyName(provider.Module);
                await provider.ExportAsync(memberId, writer, CancellationToken.None);
            }

            writer.WriteEndObject();
        }

        return JsonDocument.Parse(stream.ToArray()).RootElement.Clone();
    }

    private static async Task<List<ErasureReport>> EraseAsync(LoyaltyHost host, Guid memberId)
    {
        var reports = new List<ErasureReport>();
        await using var scope = host.Services.CreateAsyncScope();
        foreach (var provider in scope.ServiceProvider.GetServices<IPersonalDataProvider>())
        {
            reports.Add(await provider.EraseAsync(memberId, CancellationToken.None));
        }

        return reports;
    }

    /// <summary>Every text column of every table of every module that contains one of <paramref name="values"/>, as table.column.</summary>
    private static async Task<List<string>> TablesHoldingAsync(LoyaltyHost host, IReadOnlyList<string> values)
    {
        var found = new List<string>();
        await using var scope = host.Services.CreateAsyncScope();
        foreach (var registration in scope.ServiceProvider.GetServices<ModuleDbContextRegistration>())
        {
            var db = LoyaltyHost.ModuleContext(scope.ServiceProvider, registration.Schema);
            var sql = db.GetService<ISqlGenerationHelper>();
            foreach (var entity in db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null && e.GetViewName() is null))
            {
                var table = entity.GetTableName()!;
                if (Exempt.Any(t => table.EndsWith(t, StringComparison.Ordinal)))
                {
                    continue;
                }

                var tableSql = sql.DelimitIdentifier(table, entity.GetSchema());
                foreach (var property in entity.GetProperties().Where(p => p.GetProviderClrType() == typeof(string) || p.ClrType == typeof(DateOnly?)))
                {
                    var column = sql.DelimitIdentifier(property.GetColumnName());
                    var text = db.Database.IsNpgsql() ? $"CAST({column} AS text)" : $"CAST({column} AS TEXT)";
                    foreach (var value in values)
                    {
                        // Table and column names come from the model, the value is a parameter.
#pragma warning disable EF1002
                        var count = await db.Database.SqlQueryRaw<int>($"SELECT COUNT(*) AS \"Value\" FROM {tableSql} WHERE {text} LIKE {{0}}", $"%{value}%").SingleAsync();
#pragma warning restore EF1002
                        if (count > 0)
                        {
                            found.Add($"{table}.{property.GetColumnName()} holds '{value}'");
                        }
                    }
                }
            }
        }

        return found;
    }
}
