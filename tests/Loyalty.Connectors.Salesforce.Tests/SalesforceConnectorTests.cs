using System.Text.Json.Nodes;
using Loyalty.Connectors.Sdk;
using Loyalty.Testing.Salesforce;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loyalty.Connectors.Salesforce.Tests;

/// <summary>The plugin as the host sees it: its manifest, its factory and the SDK contract, against the fake.</summary>
public sealed class SalesforceConnectorTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_manifest_names_the_factory_and_marks_the_credentials_secret()
    {
        var manifest = ConnectorManifest.Load(AppContext.BaseDirectory);

        Assert.Equal("salesforce", manifest.Id);
        Assert.Equal(typeof(SalesforceConnectorFactory).FullName, manifest.EntryType);
        Assert.Null(SdkContract.Incompatibility(manifest.ParsedSdkVersion));
        Assert.Equal(["clientSecret", "privateKeyPem", "refreshToken"], manifest.Configuration.Where(p => p.Secret).Select(p => p.Name));
    }

    [Fact]
    public async Task Check_and_discover_report_the_contact_fields_with_the_external_id_and_the_required_last_name()
    {
        await using var fake = await FakeSalesforce.StartAsync();
        await using var connector = Connect(fake);

        var check = await connector.CheckConnectionAsync(CancellationToken.None);
        var contact = Assert.Single(await connector.DiscoverAsync(CancellationToken.None));

        Assert.True(check.Succeeded, check.Message);
        Assert.Equal("Contact", contact.Name);
        Assert.Contains(contact.Fields, f => f is { Name: "Loyalty_Id__c", IsExternalId: true, IsCustom: true, IsReadOnly: false });
        Assert.Contains(contact.Fields, f => f is { Name: "Id", IsExternalId: true });
        Assert.Contains(contact.Fields, f => f is { Name: "LastName", IsRequired: true });
        Assert.Contains(contact.Fields, f => f is { Name: "SystemModstamp", IsReadOnly: true, Type: FieldType.DateTime });
        Assert.Contains(contact.Fields, f => f is { Name: "Loyalty_Points__c", Type: FieldType.Decimal });
    }

    [Fact]
    public async Task A_wrong_secret_fails_the_check_with_salesforces_error_but_not_the_secret()
    {
        await using var fake = await FakeSalesforce.StartAsync();
        await using var connector = Connect(fake, ("clientSecret", "wrong-secret"));

        var check = await connector.CheckConnectionAsync(CancellationToken.None);

        Assert.False(check.Succeeded);
        Assert.Contains("invalid_client", check.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flow_without_its_credential_is_a_configuration_error_naming_the_setting()
    {
        var error = Assert.Throws<ConnectorException>(() => Connect(new Uri("http://127.0.0.1:1"), ("authFlow", "JwtBearer"), ("clientSecret", null)));

        Assert.Equal(ConnectorErrorKind.Configuration, error.Kind);
        Assert.Contains("username", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changes_come_in_the_contracts_invariant_formats()
    {
        var clock = new TestClock(Start);
        await using var fake = await FakeSalesforce.StartAsync(new FakeSalesforceOptions { TimeProvider = clock });
        var id = fake.Seed(new JsonObject { ["LastName"] = "One", ["Loyalty_Id__c"] = "m1", ["Loyalty_Points__c"] = 1250.5, ["HasOptedOutOfEmail"] = true });
        await using var connector = Connect(fake);

        var page = await connector.ReadChangesAsync(
            new ReadRequest("Contact", ["LastName", "Loyalty_Points__c", "HasOptedOutOfEmail", "CreatedDate", "Email"], null, 100, TimeSpan.Zero),
            CancellationToken.None);

        var change = Assert.Single(page.Records);
        Assert.Equal(id, change.Id);
        Assert.Equal(Start, change.ModifiedAt);
        Assert.Equal("1250.5", change.Fields["Loyalty_Points__c"]);
        Assert.Equal("true", change.Fields["HasOptedOutOfEmail"]);
        Assert.Equal("2026-11-02T09:00:00.000Z", change.Fields["CreatedDate"]);
        Assert.Null(change.Fields["Email"]);
        Assert.False(page.HasMore);
    }

    [Fact]
    public async Task Writes_convert_values_by_field_type_and_report_each_record_without_the_refused_value()
    {
        await using var fake = await FakeSalesforce.StartAsync();
        await using var connector = Connect(fake);

        var results = await connector.WriteAsync(new WriteRequest("Contact", "Loyalty_Id__c",
        [
            new RecordUpsert("m1", new Dictionary<string, string?> { ["LastName"] = "One", ["Loyalty_Points__c"] = "1200", ["Loyalty_Tier__c"] = "Gold" }),
            new RecordUpsert("m2", new Dictionary<string, string?> { ["LastName"] = "Two", ["Email"] = "jane.doe.at.example" }),
            new RecordUpsert("m3", new Dictionary<string, string?> { ["LastName"] = "Three", ["Loyalty_Points__c"] = "lots" }),
        ]), CancellationToken.None);

        Assert.Equal([RecordOutcome.Created, RecordOutcome.Failed, RecordOutcome.Failed], results.Select(r => r.Outcome));
        Assert.Equal("1200", Assert.Single(fake.FindBy("Loyalty_Id__c", "m1"))["Loyalty_Points__c"]);
        Assert.Equal("INVALID_EMAIL_ADDRESS", results[1].Error!.Code);
        Assert.DoesNotContain("jane.doe", results[1].Error!.Message, StringComparison.Ordinal);
        Assert.Equal(["Loyalty_Points__c"], results[2].Error!.Fields);
        Assert.Empty(fake.FindBy("Loyalty_Id__c", "m3"));
    }

    [Fact]
    public async Task Deleting_by_record_id_reports_deleted_and_not_found()
    {
        await using var fake = await FakeSalesforce.StartAsync();
        var id = fake.Seed(new JsonObject { ["LastName"] = "One", ["Loyalty_Id__c"] = "m1" });
        await using var connector = Connect(fake);

        var results = await connector.DeleteAsync(new DeleteRequest("Contact", [id, "003FK9999999999AAA"]), CancellationToken.None);

        Assert.Equal(RecordOutcome.Deleted, results[0].Outcome);
        Assert.Equal(RecordOutcome.NotFound, results[1].Outcome);
    }

    [Fact]
    public async Task The_request_limit_is_a_rate_limited_stop_for_the_host()
    {
        await using var fake = await FakeSalesforce.StartAsync();
        await using var connector = Connect(fake);
        fake.FailNext(FakeFault.RequestLimitExceeded);

        var error = await Assert.ThrowsAsync<ConnectorException>(() => connector.DiscoverAsync(CancellationToken.None));

        Assert.Equal(ConnectorErrorKind.RateLimited, error.Kind);
    }

    [Fact]
    public async Task An_unknown_object_is_a_configuration_error()
    {
        await using var fake = await FakeSalesforce.StartAsync();
        await using var connector = Connect(fake, ("objects", "Contact,Lead"));

        var error = await Assert.ThrowsAsync<ConnectorException>(() => connector.DiscoverAsync(CancellationToken.None));

        Assert.Equal(ConnectorErrorKind.Configuration, error.Kind);
    }

    private static IConnector Connect(FakeSalesforce fake, params (string Name, string? Value)[] overrides) =>
        Connect(new Uri(fake.LoginUrl), overrides);

    private static IConnector Connect(Uri loginUrl, params (string Name, string? Value)[] overrides)
    {
        var values = new Dictionary<string, string?>
        {
            ["loginUrl"] = loginUrl.ToString(),
            ["clientId"] = "fake-client-id",
            ["clientSecret"] = "fake-client-secret",
        };
        foreach (var (name, value) in overrides)
        {
            values[name] = value;
        }

        var manifest = ConnectorManifest.Load(AppContext.BaseDirectory);
        var configuration = ConnectorConfiguration.Create(manifest.Configuration, values, out var errors);
        Assert.Empty(errors);
        var context = new ConnectorContext("test-connection", configuration, () => new HttpClient(), NullLogger.Instance, TimeProvider.System);
        return new SalesforceConnectorFactory().Create(context);
    }
}
