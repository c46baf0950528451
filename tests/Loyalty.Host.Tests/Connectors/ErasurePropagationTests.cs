using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Loyalty.Testing.Salesforce;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace Loyalty.Host.Tests.Connectors;

/// <summary>A GDPR erasure reaches every CRM connection holding the member, each as its setting says, and the request reports each one.</summary>
public sealed class ErasurePropagationTests : IDisposable
{
    private const string Header = "Id,ModifiedAt,IsDeleted,LoyaltyId,Email,FirstName,Points";
    private readonly string _folder = Directory.CreateTempSubdirectory("erasure-csv-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_erasure_deletes_the_record_in_one_CRM_anonymises_it_in_the_other_and_reports_each_connection_done(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Modules:Consent:SuppressionSecret"] = "a suppression secret of at least thirty-two characters",
        }, schedulerHeld: true);
        await using var salesforce = await FakeSalesforce.StartAsync(new FakeSalesforceOptions { TimeProvider = host.Clock });
        var api = await MembersApi.CreateAsync(host);
        var dpo = await host.ApiKeyClientAsync(Roles.DataProtectionOfficer);
        var stamp = host.Clock.GetUtcNow().AddHours(-1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(_folder, "contacts.csv"), $"{Header}\nc1,{stamp},false,,ada@example.com,Ada,\nc2,{stamp},false,,bob@example.com,Bob,\n");
        var sfAda = salesforce.Seed(new JsonObject { ["FirstName"] = "Ada", ["LastName"] = "Lovelace", ["Email"] = "ada@example.com" });
        host.Clock.Advance(TimeSpan.FromMinutes(1));

        var csv = await ConnectAsync(api, "crm-csv", "csv-folder", new Dictionary<string, string> { ["folder"] = _folder, ["externalIdColumns"] = "LoyaltyId,Id" },
            "contacts", "LoyaltyId", "Points", "delete");
        var sf = await ConnectAsync(api, "crm-sf", "salesforce", new Dictionary<string, string> { ["loginUrl"] = salesforce.LoginUrl, ["clientId"] = "fake-client-id", ["clientSecret"] = "fake-client-secret" },
            "Contact", "Loyalty_Id__c", "Loyalty_Points__c", "anonymise");
        // Inbound only: neither CRM holds the member id yet, so the Salesforce contact is cleared by its record id.
        Assert.Equal("completed", (await SalesforceSyncTests.RunAsync(host, api.Admin, csv)).Status);
        Assert.Equal("completed", (await SalesforceSyncTests.RunAsync(host, api.Admin, sf)).Status);
        var ada = (await api.Admin.GetFromJsonAsync<JsonElement>($"{api.Members}?email=ada%40example.com")).GetProperty("items").EnumerateArray().Single().GetProperty("id").GetGuid();

        var filed = await dpo.PostAsJsonAsync("/api/consent/requests", new { type = "erasure", memberId = ada, verification = "Email from the registered address" });
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        var request = (await filed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await dpo.PostAsync($"/api/consent/requests/{request}/erasure", null)).EnsureSuccessStatusCode();
        var shown = (await dpo.GetFromJsonAsync<JsonElement>($"/api/consent/requests/{request}"))!;
        var step = shown.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "crm connections");

        Assert.Equal("completed", shown.GetProperty("status").GetString());
        Assert.Equal(("done", "crm-csv: deleted; crm-sf: anonymised"), (step.GetProperty("status").GetString(), step.GetProperty("report").GetProperty("detail").GetString()));

        var rows = File.ReadAllLines(Path.Combine(_folder, "contacts.csv")).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToDictionary(r => r[0]);
        Assert.Equal("true", rows["c1"][2]);
        Assert.DoesNotContain("ada@example.com", File.ReadAllText(Path.Combine(_folder, "contacts.csv")), StringComparison.Ordinal);
        Assert.Equal(("false", "bob@example.com"), (rows["c2"][2], rows["c2"][4]));

        var contact = Assert.Single(salesforce.Contacts);
        Assert.Equal(sfAda, contact.Id);
        Assert.Equal((null, null, null), (contact["Email"], contact["FirstName"], contact["Loyalty_Points__c"]));
        Assert.Equal("Lovelace", contact["LastName"]);

        // A repeat asks no CRM again: both are recorded as done.
        (await dpo.PostAsync($"/api/consent/requests/{request}/erasure", null)).EnsureSuccessStatusCode();
        Assert.Single(salesforce.Contacts);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_erased_persons_contact_edited_or_re_created_in_Salesforce_is_skipped_by_the_inbound_sync_and_brings_no_member_back(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Modules:Consent:SuppressionSecret"] = "a suppression secret of at least thirty-two characters",
        }, services => services.AddFakeLogging(), schedulerHeld: true);
        await using var salesforce = await FakeSalesforce.StartAsync(new FakeSalesforceOptions { TimeProvider = host.Clock });
        var api = await MembersApi.CreateAsync(host);
        var dpo = await host.ApiKeyClientAsync(Roles.DataProtectionOfficer);
        var contact = salesforce.Seed(new JsonObject { ["FirstName"] = "Ada", ["LastName"] = "Lovelace", ["Email"] = "ada@example.com" });
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var sf = await ConnectAsync(api, "crm-sf", "salesforce", new Dictionary<string, string> { ["loginUrl"] = salesforce.LoginUrl, ["clientId"] = "fake-client-id", ["clientSecret"] = "fake-client-secret" },
            "Contact", "Loyalty_Id__c", "Loyalty_Points__c", "anonymise");
        Assert.Equal(1, (await SalesforceSyncTests.RunAsync(host, api.Admin, sf)).Inbound.Created);
        var ada = (await api.Admin.GetFromJsonAsync<JsonElement>($"{api.Members}?email=ada%40example.com")).GetProperty("items").EnumerateArray().Single().GetProperty("id").GetGuid();
        var filed = await dpo.PostAsJsonAsync("/api/consent/requests", new { type = "erasure", memberId = ada, verification = "Email from the registered address" });
        var request = (await filed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await dpo.PostAsync($"/api/consent/requests/{request}/erasure", null)).EnsureSuccessStatusCode();
        Assert.Equal("completed", (await dpo.GetFromJsonAsync<JsonElement>($"/api/consent/requests/{request}")).GetProperty("status").GetString());

        // A Salesforce user types the person back into the anonymised contact, and someone else creates a new contact for them.
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        salesforce.EditInSalesforce(contact, new JsonObject { ["FirstName"] = "Ada", ["Email"] = "ada@example.com" });
        salesforce.Seed(new JsonObject { ["FirstName"] = "Ada", ["LastName"] = "Lovelace", ["Email"] = "ADA@example.com" });
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var run = await SalesforceSyncTests.RunAsync(host, api.Admin, sf);
        var members = (await api.Admin.GetFromJsonAsync<JsonElement>(api.Members)).GetProperty("items").EnumerateArray().ToList();
        var erased = (await api.Admin.GetFromJsonAsync<JsonElement>($"{api.Members}/{ada}"))!;

        Assert.Equal("completed", run.Status);
        Assert.Equal((2L, 0L, 0L, 2L, 0L), (run.Inbound.Read, run.Inbound.Created, run.Inbound.Updated, run.Inbound.Skipped, run.Inbound.Failed));
        Assert.Equal(ada, Assert.Single(members).GetProperty("id").GetGuid());
        Assert.Equal(("Erased", JsonValueKind.Null, JsonValueKind.Null),
            (erased.GetProperty("status").GetString(), erased.GetProperty("email").ValueKind, erased.GetProperty("firstName").ValueKind));
        Assert.Empty((await api.Admin.GetFromJsonAsync<List<JsonElement>>($"/api/connectors/connections/{sf}/dead-letters"))!);
        var logged = host.Services.GetFakeLogCollector().GetSnapshot();
        Assert.NotEmpty(logged);
        Assert.DoesNotContain(logged, l => $"{l.Message} {l.Exception}".Contains("ada@example.com", StringComparison.OrdinalIgnoreCase) || $"{l.Message} {l.Exception}".Contains("Lovelace", StringComparison.Ordinal));
    }

    private static async Task<Guid> ConnectAsync(
        MembersApi api, string name, string connector, Dictionary<string, string> settings, string objectName, string externalIdField, string pointsField, string erasure)
    {
        var created = await api.Admin.PostAsJsonAsync("/api/connectors/connections", new { name, connectorId = connector, settings });
        created.EnsureSuccessStatusCode();
        var connection = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var setup = await api.Admin.PutAsJsonAsync($"/api/connectors/connections/{connection}/sync", new
        {
            program = api.Program, @object = objectName, externalIdField, pageSize = 200, lookBackSeconds = 60, erasure,
            mappings = new object[]
            {
                new { direction = "inbound", loyaltyField = "email", crmField = "Email" },
                new { direction = "inbound", loyaltyField = "firstName", crmField = "FirstName" },
                new { direction = "outbound", loyaltyField = "pointsBalance", crmField = pointsField },
            },
        });
        Assert.True(setup.IsSuccessStatusCode, await setup.Content.ReadAsStringAsync());
        return connection;
    }
}
