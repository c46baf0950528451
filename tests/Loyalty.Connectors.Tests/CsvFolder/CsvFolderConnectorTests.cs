using Loyalty.Connectors.Sdk;
using Loyalty.Connectors.Sdk.Testing;

namespace Loyalty.Connectors.Tests.CsvFolder;

public sealed class CsvFolderConnectorTests
{
    [Fact]
    public async Task The_CSV_connector_passes_the_conformance_kit()
    {
        await using var fixture = new CsvFolderFixture();

        var passed = await ConnectorConformance.RunAsync(fixture.Connector, fixture, new ConformanceScenario
        {
            ObjectName = "contacts",
            ExternalIdField = "LoyaltyId",
            TextField = "FirstName",
            RejectedField = new("Phone", "+44 20 7946 0000"),
        });

        Assert.Equal(11, passed.Count);
    }

    [Fact]
    public async Task A_delete_leaves_a_tombstone_without_personal_data()
    {
        await using var fixture = new CsvFolderFixture();
        var written = await fixture.Connector.WriteAsync(
            new WriteRequest("contacts", "LoyaltyId", [new RecordUpsert("m-1", new Dictionary<string, string?> { ["Email"] = "ada@example.com", ["FirstName"] = "Ada" })]),
            CancellationToken.None);

        await fixture.Connector.DeleteAsync(new DeleteRequest("contacts", [written[0].Id!]), CancellationToken.None);

        var row = Assert.Single(fixture.Rows("contacts"));
        Assert.Equal("true", row["IsDeleted"]);
        Assert.Equal(written[0].Id, row["Id"]);
        Assert.Equal(("", "", ""), (row["LoyaltyId"], row["Email"], row["FirstName"]));
    }

    [Fact]
    public async Task Values_with_commas_and_quotes_survive_a_write_and_a_read()
    {
        await using var fixture = new CsvFolderFixture();
        const string name = "O'Brien, \"Jr\"";
        await fixture.Connector.WriteAsync(
            new WriteRequest("contacts", "LoyaltyId", [new RecordUpsert("m-1", new Dictionary<string, string?> { ["FirstName"] = name })]),
            CancellationToken.None);

        var page = await fixture.Connector.ReadChangesAsync(new ReadRequest("contacts", ["FirstName"], null, 10, TimeSpan.Zero), CancellationToken.None);

        Assert.Equal(name, Assert.Single(page.Records).Fields["FirstName"]);
    }

    [Fact]
    public async Task Upserting_by_a_column_not_configured_as_external_id_is_a_configuration_error()
    {
        await using var fixture = new CsvFolderFixture();

        var error = await Assert.ThrowsAsync<ConnectorException>(() => fixture.Connector.WriteAsync(
            new WriteRequest("contacts", "Email", [new RecordUpsert("a@example.com", new Dictionary<string, string?>())]), CancellationToken.None));

        Assert.Equal(ConnectorErrorKind.Configuration, error.Kind);
    }

    [Fact]
    public async Task A_cursor_from_elsewhere_is_refused()
    {
        await using var fixture = new CsvFolderFixture();

        var error = await Assert.ThrowsAsync<ConnectorException>(() => fixture.Connector.ReadChangesAsync(
            new ReadRequest("contacts", [], "not-a-cursor", 10, TimeSpan.Zero), CancellationToken.None));

        Assert.Equal(ConnectorErrorKind.Configuration, error.Kind);
    }

    [Fact]
    public async Task A_missing_folder_fails_the_connection_check()
    {
        await using var fixture = new CsvFolderFixture();
        await using var connector = fixture.Create(new Dictionary<string, string?> { ["folder"] = Path.Combine(fixture.Folder, "nope") });

        var check = await connector.CheckConnectionAsync(CancellationToken.None);

        Assert.False(check.Succeeded);
        Assert.Equal("the folder does not exist", check.Message);
    }
}
