using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using Loyalty.Testing.Salesforce;

namespace Loyalty.Host.Tests.Connectors;

/// <summary>A refresh token Salesforce rotates is stored, encrypted, for the connection's next run.</summary>
public sealed class RefreshTokenRotationTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_refresh_token_Salesforce_rotates_is_saved_and_the_next_run_signs_in_with_it(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider, schedulerHeld: true);
        await using var crm = await FakeSalesforce.StartAsync(new FakeSalesforceOptions
        {
            TimeProvider = host.Clock, RefreshTokens = ["5Aep861-first"], RotateRefreshTokens = true,
        });
        var api = await MembersApi.CreateAsync(host);
        crm.Seed(new JsonObject { ["FirstName"] = "Ada", ["LastName"] = "Lovelace", ["Email"] = "ada@example.com" });
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var created = await api.Admin.PostAsJsonAsync("/api/connectors/connections", new
        {
            name = "salesforce", connectorId = "salesforce",
            settings = new Dictionary<string, string> { ["loginUrl"] = crm.LoginUrl, ["clientId"] = "fake-client-id", ["authFlow"] = "RefreshToken", ["refreshToken"] = "5Aep861-first" },
        });
        created.EnsureSuccessStatusCode();
        var connection = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await api.Admin.PutAsJsonAsync($"/api/connectors/connections/{connection}/sync", new
        {
            program = api.Program, @object = "Contact", externalIdField = "Loyalty_Id__c",
            mappings = new object[] { new { direction = "inbound", loyaltyField = "email", crmField = "Email" } },
        })).EnsureSuccessStatusCode();

        var first = await SalesforceSyncTests.RunAsync(host, api.Admin, connection);
        var rotated = Assert.Single(crm.RefreshTokens);
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        crm.EditInSalesforce(crm.Contacts[0].Id, new JsonObject { ["Email"] = "ada.lovelace@example.com" });
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await SalesforceSyncTests.RunAsync(host, api.Admin, connection);
        var shown = await api.Admin.GetStringAsync($"/api/connectors/connections/{connection}");

        Assert.Equal(("completed", 1L), (first.Status, first.Inbound.Created));
        Assert.NotEqual("5Aep861-first", rotated);
        Assert.Equal(("completed", 1L), (second.Status, second.Inbound.Updated));
        Assert.DoesNotContain(rotated, crm.RefreshTokens);
        Assert.DoesNotContain(rotated, shown, StringComparison.Ordinal);
        Assert.Contains("refreshToken", shown, StringComparison.Ordinal);
    }
}
