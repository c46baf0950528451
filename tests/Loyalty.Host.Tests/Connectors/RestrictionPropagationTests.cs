using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Loyalty.Testing.Salesforce;

namespace Loyalty.Host.Tests.Connectors;

/// <summary>A GDPR restriction (Art. 18) reaches every CRM connection holding the member, and its lift resumes the sync.</summary>
public sealed class RestrictionPropagationTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_restricted_member_is_flagged_in_Salesforce_and_neither_sent_nor_updated_until_the_lift_resumes_the_sync(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider, schedulerHeld: true);
        await using var crm = await FakeSalesforce.StartAsync(new FakeSalesforceOptions
        {
            TimeProvider = host.Clock,
            CustomFields = [new("Loyalty_Id__c", "string", ExternalId: true), new("Loyalty_Restricted__c", "boolean")],
        });
        var api = await MembersApi.CreateAsync(host);
        var dpo = await host.ApiKeyClientAsync(Roles.DataProtectionOfficer);
        var contact = crm.Seed(new JsonObject { ["FirstName"] = "Ada", ["LastName"] = "Lovelace", ["Email"] = "ada@example.com" });
        var other = crm.Seed(new JsonObject { ["FirstName"] = "Bob", ["LastName"] = "Bell", ["Email"] = "bob@example.com" });
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var connection = await ConnectAsync(api, crm);
        Assert.Equal(2, (await SalesforceSyncTests.RunAsync(host, api.Admin, connection)).Inbound.Created);
        await host.DeliverMembersEventsAsync();
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(2, (await SalesforceSyncTests.RunAsync(host, api.Admin, connection)).Outbound.Sent);
        var ada = (await api.Admin.GetFromJsonAsync<JsonElement>($"{api.Members}?email=ada%40example.com")).GetProperty("items").EnumerateArray().Single().GetProperty("id").GetGuid();
        Assert.Equal(("Ada", "false"), (crm.Find(contact)!["FirstName"], crm.Find(contact)!["Loyalty_Restricted__c"]));

        var filed = await dpo.PostAsJsonAsync("/api/consent/requests", new { type = "restriction", memberId = ada, verification = "Email from the registered address" });
        var request = (await filed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await dpo.PostAsJsonAsync($"/api/consent/requests/{request}/status", new { status = "completed" })).EnsureSuccessStatusCode();

        Assert.Equal(("done", "salesforce: flagged"), await StepAsync(dpo, request, "crm connections"));
        Assert.Equal(("true", "Ada"), (crm.Find(contact)!["Loyalty_Restricted__c"], crm.Find(contact)!["FirstName"]));

        // Both sides change while the member is restricted: neither change crosses; another member's does.
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await SalesforceSyncTests.EditProfileAsync(api, ada, new { email = "ada@example.com", firstName = "Augusta", lastName = "Lovelace" });
        crm.EditInSalesforce(contact, new JsonObject { ["LastName"] = "Byron" });
        crm.EditInSalesforce(other, new JsonObject { ["LastName"] = "Bellamy" });
        await host.DeliverMembersEventsAsync();
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var restricted = await SalesforceSyncTests.RunAsync(host, api.Admin, connection);

        Assert.Equal(("completed", 1L, 1L, 0L), (restricted.Status, restricted.Inbound.Updated, restricted.Inbound.Skipped, restricted.Outbound.Sent));
        Assert.Equal(("Ada", "Byron", "true"), (crm.Find(contact)!["FirstName"], crm.Find(contact)!["LastName"], crm.Find(contact)!["Loyalty_Restricted__c"]));
        Assert.Equal("Lovelace", (await MemberAsync(api, ada)).GetProperty("lastName").GetString());
        var held = Assert.Single((await api.Admin.GetFromJsonAsync<List<JsonElement>>($"/api/connectors/connections/{connection}/dead-letters"))!);
        Assert.Equal(("RESTRICTED", contact), (held.GetProperty("errorCode").GetString(), held.GetProperty("recordKey").GetString()));

        (await dpo.PostAsJsonAsync($"/api/consent/requests/{request}/mark/lift", new { reason = "Accuracy of the data confirmed" })).EnsureSuccessStatusCode();
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var resumed = await SalesforceSyncTests.RunAsync(host, api.Admin, connection);

        Assert.Equal(("done", "salesforce: resumed"), await StepAsync(dpo, request, "crm connections (lift)"));
        Assert.Equal(("completed", 1L, 1L), (resumed.Status, resumed.Inbound.Updated, resumed.Outbound.Sent));
        Assert.Equal("Byron", (await MemberAsync(api, ada)).GetProperty("lastName").GetString());
        Assert.Equal(("Augusta", "Byron", "false"), (crm.Find(contact)!["FirstName"], crm.Find(contact)!["LastName"], crm.Find(contact)!["Loyalty_Restricted__c"]));
        Assert.Empty((await api.Admin.GetFromJsonAsync<List<JsonElement>>($"/api/connectors/connections/{connection}/dead-letters"))!);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_flag_write_that_failed_is_retried_later_while_the_restriction_holds_and_not_after_its_lift(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider, schedulerHeld: true);
        await using var crm = await FakeSalesforce.StartAsync(new FakeSalesforceOptions
        {
            TimeProvider = host.Clock,
            CustomFields = [new("Loyalty_Id__c", "string", ExternalId: true), new("Loyalty_Restricted__c", "boolean")],
        });
        var api = await MembersApi.CreateAsync(host);
        var dpo = await host.ApiKeyClientAsync(Roles.DataProtectionOfficer);
        var ada = crm.Seed(new JsonObject { ["FirstName"] = "Ada", ["LastName"] = "Lovelace", ["Email"] = "ada@example.com" });
        var bob = crm.Seed(new JsonObject { ["FirstName"] = "Bob", ["LastName"] = "Bell", ["Email"] = "bob@example.com" });
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var connection = await ConnectAsync(api, crm);
        Assert.Equal(2, (await SalesforceSyncTests.RunAsync(host, api.Admin, connection)).Inbound.Created);
        await host.DeliverMembersEventsAsync();
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(2, (await SalesforceSyncTests.RunAsync(host, api.Admin, connection)).Outbound.Sent);

        // Salesforce refuses the flag writes (the org's request limit): both steps fail, nothing is flagged.
        var adaRequest = await FileRestrictionAsync(api, dpo, "ada@example.com");
        var bobRequest = await FileRestrictionAsync(api, dpo, "bob@example.com");
        foreach (var request in new[] { adaRequest, bobRequest })
        {
            crm.FailNext(FakeFault.RequestLimitExceeded);
            (await dpo.PostAsJsonAsync($"/api/consent/requests/{request}/status", new { status = "completed" })).EnsureSuccessStatusCode();
            Assert.Equal(("failed", 1), await StepStatusAsync(dpo, request, "crm connections"));
        }

        // Bob's restriction is lifted before the retry: his flag no longer matters, and is not written.
        (await dpo.PostAsJsonAsync($"/api/consent/requests/{bobRequest}/mark/lift", new { reason = "Accuracy of the data confirmed" })).EnsureSuccessStatusCode();
        Assert.Equal(("done", "salesforce: resumed"), await StepAsync(dpo, bobRequest, "crm connections (lift)"));

        // Not before the first wait is over.
        await host.RunJobAsync("consent", "RetryDataSubjectRequestsJob");
        Assert.Equal(("failed", 1), await StepStatusAsync(dpo, adaRequest, "crm connections"));
        Assert.Equal("false", crm.Find(ada)!["Loyalty_Restricted__c"]?.ToString());

        host.Clock.Advance(TimeSpan.FromMinutes(6));
        await host.RunJobAsync("consent", "RetryDataSubjectRequestsJob");

        Assert.Equal(("done", 2), await StepStatusAsync(dpo, adaRequest, "crm connections"));
        Assert.Equal(("done", "salesforce: flagged"), await StepAsync(dpo, adaRequest, "crm connections"));
        Assert.Equal("true", crm.Find(ada)!["Loyalty_Restricted__c"]?.ToString());
        Assert.Equal(("failed", 1), await StepStatusAsync(dpo, bobRequest, "crm connections"));
        Assert.Equal("false", crm.Find(bob)!["Loyalty_Restricted__c"]?.ToString());
    }

    private static async Task<Guid> FileRestrictionAsync(MembersApi api, HttpClient dpo, string email)
    {
        var member = (await api.Admin.GetFromJsonAsync<JsonElement>($"{api.Members}?email={Uri.EscapeDataString(email)}")).GetProperty("items").EnumerateArray().Single().GetProperty("id").GetGuid();
        var filed = await dpo.PostAsJsonAsync("/api/consent/requests", new { type = "restriction", memberId = member, verification = "Email from the registered address" });
        return (await filed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task<(string?, int)> StepStatusAsync(HttpClient dpo, Guid request, string name)
    {
        var step = (await dpo.GetFromJsonAsync<JsonElement>($"/api/consent/requests/{request}")).GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);
        return (step.GetProperty("status").GetString(), step.GetProperty("attempts").GetInt32());
    }

    private static async Task<(string?, string?)> StepAsync(HttpClient dpo, Guid request, string name)
    {
        var step = (await dpo.GetFromJsonAsync<JsonElement>($"/api/consent/requests/{request}")).GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);
        return (step.GetProperty("status").GetString(), step.GetProperty("report").GetProperty("detail").GetString());
    }

    private static async Task<JsonElement> MemberAsync(MembersApi api, Guid member) => await api.Admin.GetFromJsonAsync<JsonElement>($"{api.Members}/{member}");

    private static Task<Guid> ConnectAsync(MembersApi api, FakeSalesforce crm) => SalesforceSyncTests.ConnectAsync(api, crm,
    [
        new { direction = "inbound", loyaltyField = "email", crmField = "Email" },
        new { direction = "inbound", loyaltyField = "firstName", crmField = "FirstName" },
        new { direction = "inbound", loyaltyField = "lastName", crmField = "LastName" },
        new { direction = "outbound", loyaltyField = "firstName", crmField = "FirstName" },
        new { direction = "outbound", loyaltyField = "restricted", crmField = "Loyalty_Restricted__c" },
    ]);
}
