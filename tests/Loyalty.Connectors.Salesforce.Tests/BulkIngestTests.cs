using System.Text.Json.Nodes;
using Loyalty.Connectors.Salesforce;
using Loyalty.Connectors.Sdk;
using Loyalty.Testing.Salesforce;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loyalty.Connectors.Salesforce.Tests;

public sealed class BulkIngestTests
{
    private const string CollectionUpsert = "PATCH /services/data/v62.0/composite/sobjects/Contact/Loyalty_Id__c";
    private const string CreateJob = "POST /services/data/v62.0/jobs/ingest";

    [Fact]
    public async Task A_write_up_to_the_threshold_goes_through_collections_and_a_larger_one_through_one_bulk_job()
    {
        await using var sf = await StartAsync();

        var small = await sf.UpsertAsync(Contacts(1, 3));
        Assert.Equal((1, 0), (sf.CountRequests(CollectionUpsert), sf.CountRequests(CreateJob)));
        var large = await sf.UpsertAsync(Contacts(1, 5, lastName: "Renamed"));

        Assert.Equal((1, 1), (sf.CountRequests(CollectionUpsert), sf.CountRequests(CreateJob)));
        Assert.Equal(1, sf.CountRequests("PUT /services/data/v62.0/jobs/ingest/"));
        Assert.Equal(["JobComplete"], sf.Fake.IngestJobStates);
        Assert.Equal(["m1", "m2", "m3", "m4", "m5"], large.Select(r => r.Key));
        Assert.Equal(
            [WriteOutcome.Updated, WriteOutcome.Updated, WriteOutcome.Updated, WriteOutcome.Created, WriteOutcome.Created],
            large.Select(r => r.Outcome));
        Assert.Equal(small.Select(r => r.SalesforceId), large.Take(3).Select(r => r.SalesforceId));
        Assert.Equal(5, sf.Fake.Contacts.Count);
        Assert.All(large, r => Assert.Equal("Renamed", sf.Fake.Find(r.SalesforceId!)!["LastName"]));
    }

    [Fact]
    public async Task Each_record_of_a_bulk_job_gets_its_own_result_with_salesforces_code_and_fields()
    {
        await using var sf = await StartAsync();
        var existing = sf.Fake.Seed(SalesforceFixture.Contact("old", "Old", "old@example.test"));

        var results = await sf.UpsertAsync(
            SalesforceFixture.Contact("quoted", "Doe, \"Jr\"\nthe second"),
            SalesforceFixture.Contact("bad-email", "Wrong", "not-an-address"),
            new JsonObject { ["Loyalty_Id__c"] = "no-last-name", ["Email"] = "x@example.test" },
            new JsonObject { ["Loyalty_Id__c"] = "old", ["Email"] = null });

        Assert.Equal([WriteOutcome.Created, WriteOutcome.Failed, WriteOutcome.Failed, WriteOutcome.Updated], results.Select(r => r.Outcome));
        Assert.Equal("Doe, \"Jr\"\nthe second", sf.Fake.Find(results[0].SalesforceId!)!["LastName"]);
        var email = Assert.Single(results[1].Errors);
        Assert.Equal(("INVALID_EMAIL_ADDRESS", "Email: invalid email address"), (email.Code, email.Message));
        Assert.Equal(["Email"], email.Fields);
        var lastName = Assert.Single(results[2].Errors);
        Assert.Equal("REQUIRED_FIELD_MISSING", lastName.Code);
        Assert.Equal(["LastName"], lastName.Fields);
        Assert.Equal(existing, results[3].SalesforceId);
        Assert.Null(sf.Fake.Find(existing)!["Email"]);
        Assert.Equal("Old", sf.Fake.Find(existing)!["LastName"]);
        Assert.Equal(2, sf.Fake.Contacts.Count);
    }

    [Fact]
    public async Task A_bulk_job_that_salesforce_fails_fails_the_whole_write_as_a_configuration_error()
    {
        await using var fake = await FakeSalesforce.StartAsync(new FakeSalesforceOptions { BulkPollsBeforeComplete = 0 });
        await using var connector = Connect(fake, bulkThreshold: 2);
        var records = Enumerable.Range(1, 3).Select(i => new RecordUpsert($"m{i}", new Dictionary<string, string?>
        {
            ["LastName"] = $"Last{i}",
            ["Nickname__c"] = "Nick",
        })).ToList();

        var error = await Assert.ThrowsAsync<ConnectorException>(() => connector.WriteAsync(new WriteRequest("Contact", "Loyalty_Id__c", records), CancellationToken.None));

        Assert.Equal(ConnectorErrorKind.Configuration, error.Kind);
        Assert.Contains("InvalidBatch : Field name not found : Nickname__c", error.Message, StringComparison.Ordinal);
        Assert.Equal(["Failed"], fake.IngestJobStates);
        Assert.Empty(fake.Contacts);
    }

    [Fact]
    public async Task The_connector_reports_bulk_results_in_the_requests_order_with_ids()
    {
        await using var fake = await FakeSalesforce.StartAsync(new FakeSalesforceOptions { BulkPollsBeforeComplete = 0 });
        await using var connector = Connect(fake, bulkThreshold: 2);
        var records = Enumerable.Range(1, 3).Select(i => $"m{i}").Select(k => new RecordUpsert(k, new Dictionary<string, string?>
        {
            ["LastName"] = k == "m2" ? null : $"Last {k}",
            ["Loyalty_Points__c"] = "1250",
        })).ToList();

        var results = await connector.WriteAsync(new WriteRequest("Contact", "Loyalty_Id__c", records), CancellationToken.None);

        Assert.Equal([RecordOutcome.Created, RecordOutcome.Failed, RecordOutcome.Created], results.Select(r => r.Outcome));
        Assert.Equal(["m1", "m2", "m3"], results.Select(r => r.Key));
        Assert.Equal("REQUIRED_FIELD_MISSING", results[1].Error!.Code);
        Assert.False(results[1].Error!.IsTransient);
        Assert.Equal("1250", Assert.Single(fake.FindBy("Loyalty_Id__c", "m3"))["Loyalty_Points__c"]);
        Assert.Equal(results[0].Id, Assert.Single(fake.FindBy("Loyalty_Id__c", "m1")).Id);
    }

    [Fact]
    public async Task An_expired_session_while_polling_signs_in_again_once_and_the_job_completes()
    {
        await using var sf = await StartAsync(new FakeSalesforceOptions { BulkPollsBeforeComplete = 2 });
        sf.Fake.FailNextBulkPoll(FakeFault.ExpiredSession);

        var results = await sf.UpsertAsync(Contacts(1, 4));

        Assert.All(results, r => Assert.Equal(WriteOutcome.Created, r.Outcome));
        Assert.Equal(2, sf.CountRequests("POST /services/oauth2/token"));
        Assert.Equal(1, sf.CountRequests(CreateJob));
        Assert.Equal(4, sf.Fake.Contacts.Count);
    }

    [Fact]
    public async Task REQUEST_LIMIT_EXCEEDED_while_polling_stops_the_write_and_writing_it_again_applies_nothing_twice()
    {
        await using var sf = await StartAsync();
        sf.Fake.FailNextBulkPoll(FakeFault.RequestLimitExceeded);

        var stop = await Assert.ThrowsAsync<SalesforceRequestLimitExceededException>(() => sf.UpsertAsync(Contacts(1, 4)));
        var again = await sf.UpsertAsync(Contacts(1, 4));

        Assert.Equal("REQUEST_LIMIT_EXCEEDED", stop.Error.Code);
        Assert.All(again, r => Assert.Equal(WriteOutcome.Updated, r.Outcome));
        Assert.Equal(4, sf.Fake.Contacts.Count);
        Assert.All(Enumerable.Range(1, 4), i => Assert.Single(sf.Fake.FindBy("Loyalty_Id__c", $"m{i}")));
    }

    [Fact]
    public async Task A_server_error_on_a_bulk_request_is_retried_without_opening_a_second_job()
    {
        await using var sf = await StartAsync();
        sf.Fake.FailNext(FakeFault.ServerUnavailable);

        var results = await sf.UpsertAsync(Contacts(1, 4));

        Assert.All(results, r => Assert.Equal(WriteOutcome.Created, r.Outcome));
        Assert.Single(sf.Fake.IngestJobStates);
    }

    [Fact]
    public async Task A_record_the_bulk_job_could_not_lock_is_sent_again_through_collections()
    {
        await using var sf = await StartAsync();
        sf.Fake.LockOnNextWrite("m2");

        var results = await sf.UpsertAsync(Contacts(1, 4));

        Assert.All(results, r => Assert.Equal(WriteOutcome.Created, r.Outcome));
        Assert.Equal(1, sf.CountRequests(CollectionUpsert));
        Assert.Equal(4, sf.Fake.Contacts.Count);
    }

    private static Task<SalesforceFixture> StartAsync(FakeSalesforceOptions? options = null) =>
        SalesforceFixture.StartAsync(options, s => s with { BulkThreshold = 3, BulkPollInterval = TimeSpan.FromMilliseconds(5) });

    private static JsonObject[] Contacts(int from, int to, string lastName = "Last") =>
        [.. Enumerable.Range(from, to - from + 1).Select(i => SalesforceFixture.Contact($"m{i}", lastName))];

    private static IConnector Connect(FakeSalesforce fake, int bulkThreshold)
    {
        var manifest = ConnectorManifest.Load(AppContext.BaseDirectory);
        var configuration = ConnectorConfiguration.Create(manifest.Configuration, new Dictionary<string, string?>
        {
            ["loginUrl"] = fake.LoginUrl,
            ["clientId"] = "fake-client-id",
            ["clientSecret"] = "fake-client-secret",
            ["bulkThreshold"] = bulkThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, out var errors);
        Assert.Empty(errors);
        return new SalesforceConnectorFactory().Create(
            new ConnectorContext("test-connection", configuration, () => new HttpClient(), NullLogger.Instance, TimeProvider.System));
    }
}
