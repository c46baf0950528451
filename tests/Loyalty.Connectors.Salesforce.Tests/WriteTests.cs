using System.Text.Json.Nodes;
using Loyalty.Connectors.Salesforce;

namespace Loyalty.Connectors.Salesforce.Tests;

public sealed class WriteTests
{
    [Fact]
    public async Task Upserts_go_in_collections_of_200_and_create_then_update_by_external_id()
    {
        await using var sf = await SalesforceFixture.StartAsync();
        var records = Enumerable.Range(0, 450).Select(i => SalesforceFixture.Contact($"m{i}", $"Last{i}")).ToArray();

        var created = await sf.UpsertAsync(records);
        Assert.Equal(3, sf.CountRequests("PATCH /services/data/v62.0/composite/sobjects/Contact/Loyalty_Id__c"));
        var updated = await sf.UpsertAsync(SalesforceFixture.Contact("m7", "Renamed"));

        Assert.All(created, r => Assert.Equal(WriteOutcome.Created, r.Outcome));
        Assert.Equal(Enumerable.Range(0, 450).Select(i => $"m{i}"), created.Select(r => r.Key));
        Assert.Equal(450, sf.Fake.Contacts.Count);
        var result = Assert.Single(updated);
        Assert.Equal(WriteOutcome.Updated, result.Outcome);
        Assert.Equal(created[7].SalesforceId, result.SalesforceId);
        Assert.Equal("Renamed", Assert.Single(sf.Fake.FindBy("Loyalty_Id__c", "m7"))["LastName"]);
    }

    [Fact]
    public async Task A_record_salesforce_refuses_fails_alone_with_its_status_code_and_fields()
    {
        await using var sf = await SalesforceFixture.StartAsync();

        var results = await sf.UpsertAsync(
            SalesforceFixture.Contact("ok", "Fine", "ok@example.test"),
            SalesforceFixture.Contact("bad-email", "Wrong", "not-an-address"),
            new JsonObject { ["Loyalty_Id__c"] = "no-last-name" });

        Assert.Equal(WriteOutcome.Created, results[0].Outcome);
        Assert.Equal(WriteOutcome.Failed, results[1].Outcome);
        var email = Assert.Single(results[1].Errors);
        Assert.Equal("INVALID_EMAIL_ADDRESS", email.Code);
        Assert.Equal(["Email"], email.Fields);
        Assert.Equal("REQUIRED_FIELD_MISSING", Assert.Single(results[2].Errors).Code);
        Assert.Single(sf.Fake.Contacts);
    }

    [Fact]
    public async Task An_external_id_matching_two_records_is_refused_with_300_naming_both()
    {
        await using var sf = await SalesforceFixture.StartAsync();
        var first = sf.Fake.Seed(SalesforceFixture.Contact("dup", "First"));
        var second = sf.Fake.Seed(SalesforceFixture.Contact("dup", "Second"));

        var result = await sf.Client.UpsertOneAsync("Contact", "Loyalty_Id__c", "dup", new JsonObject { ["LastName"] = "Third" }, CancellationToken.None);

        Assert.Equal(WriteOutcome.Failed, result.Outcome);
        var error = Assert.Single(result.Errors);
        Assert.Equal("DUPLICATE_EXTERNAL_ID", error.Code);
        Assert.Contains(first, error.Message, StringComparison.Ordinal);
        Assert.Contains(second, error.Message, StringComparison.Ordinal);
        Assert.Equal("First", sf.Fake.Find(first)!["LastName"]);
        Assert.Equal("Second", sf.Fake.Find(second)!["LastName"]);
    }

    [Fact]
    public async Task An_ambiguous_external_id_in_a_collection_fails_that_record_only()
    {
        await using var sf = await SalesforceFixture.StartAsync();
        sf.Fake.Seed(SalesforceFixture.Contact("dup", "First"));
        sf.Fake.Seed(SalesforceFixture.Contact("dup", "Second"));

        var results = await sf.UpsertAsync(SalesforceFixture.Contact("dup", "Third"), SalesforceFixture.Contact("new", "New"));

        Assert.Equal("DUPLICATE_EXTERNAL_ID", Assert.Single(results[0].Errors).Code);
        Assert.Equal(WriteOutcome.Created, results[1].Outcome);
    }

    [Theory]
    [InlineData("v62.0")]
    [InlineData("v45.0")]
    public async Task A_single_upsert_reads_201_as_created_and_200_or_204_as_updated(string apiVersion)
    {
        await using var sf = await SalesforceFixture.StartAsync(configure: s => s with { ApiVersion = apiVersion });

        var created = await sf.Client.UpsertOneAsync("Contact", "Loyalty_Id__c", "m1", new JsonObject { ["LastName"] = "One" }, CancellationToken.None);
        var updated = await sf.Client.UpsertOneAsync("Contact", "Loyalty_Id__c", "m1", new JsonObject { ["LastName"] = "Uno" }, CancellationToken.None);

        Assert.Equal(WriteOutcome.Created, created.Outcome);
        Assert.NotNull(created.SalesforceId);
        Assert.Equal(WriteOutcome.Updated, updated.Outcome);
        Assert.Equal("Uno", sf.Fake.Find(created.SalesforceId!)!["LastName"]);
    }

    [Fact]
    public async Task An_org_on_an_api_version_before_46_gets_one_upsert_request_a_record()
    {
        await using var sf = await SalesforceFixture.StartAsync(configure: s => s with { ApiVersion = "v45.0" });
        sf.Fake.Seed(SalesforceFixture.Contact("m1", "One"));

        var results = await sf.UpsertAsync(SalesforceFixture.Contact("m1", "Uno"), SalesforceFixture.Contact("m2", "Two"));

        Assert.Equal([WriteOutcome.Updated, WriteOutcome.Created], results.Select(r => r.Outcome));
        Assert.Equal(2, sf.CountRequests("PATCH /services/data/v45.0/sobjects/Contact/Loyalty_Id__c/"));
        Assert.Equal("Uno", Assert.Single(sf.Fake.FindBy("Loyalty_Id__c", "m1"))["LastName"]);
    }

    [Fact]
    public async Task Deleting_records_by_id_is_repeatable_and_a_missing_record_is_not_found_not_failed()
    {
        await using var sf = await SalesforceFixture.StartAsync();
        var id = sf.Fake.Seed(SalesforceFixture.Contact("m1", "One"));

        var first = await sf.Client.DeleteAsync([id, "003FK9999999999AAA"], CancellationToken.None);
        var again = await sf.Client.DeleteAsync([id], CancellationToken.None);

        Assert.Equal([WriteOutcome.Deleted, WriteOutcome.NotFound], first.Select(r => r.Outcome));
        Assert.Equal(WriteOutcome.NotFound, Assert.Single(again).Outcome);
        Assert.True(sf.Fake.Find(id)!.IsDeleted);
    }

    [Fact]
    public async Task A_record_changed_in_salesforce_while_we_wrote_it_comes_back_on_the_next_read_with_both_changes()
    {
        await using var sf = await SalesforceFixture.StartAsync();
        await sf.UpsertAsync(SalesforceFixture.Contact("m1", "One", "one@example.test"));
        var (_, cursor, _) = await sf.ReadAllAsync(null, pageSize: 10);
        sf.Fake.EditBeforeNextWrite("m1", new JsonObject { ["Email"] = "changed-in-crm@example.test" });

        await sf.UpsertAsync(SalesforceFixture.Contact("m1", "Renamed in loyalty"));
        var page = await sf.ReadAsync(cursor, lookBack: TimeSpan.FromMinutes(5));

        var change = Assert.Single(page.Changes);
        Assert.Equal("Renamed in loyalty", (string?)change.Record["LastName"]);
        Assert.Equal("changed-in-crm@example.test", (string?)change.Record["Email"]);
    }

    [Theory]
    [InlineData("v62.0", "PATCH /services/data/v62.0/composite/sobjects")]
    [InlineData("v41.0", "PATCH /services/data/v41.0/sobjects/Contact/")]
    public async Task Records_written_by_their_Salesforce_id_are_updated_in_place_and_a_missing_one_fails(string version, string request)
    {
        await using var sf = await SalesforceFixture.StartAsync(configure: s => s with { ApiVersion = version });
        var read = sf.Fake.Seed(new JsonObject { ["LastName"] = "FromCrm" });
        var deleted = sf.Fake.Seed(new JsonObject { ["LastName"] = "Gone" });
        sf.Fake.DeleteInSalesforce(deleted);

        var results = await sf.Client.UpsertAsync("Contact", "Id", [
            new JsonObject { ["Id"] = read, ["Loyalty_Id__c"] = "m1", ["LastName"] = "Linked" },
            new JsonObject { ["Id"] = deleted, ["LastName"] = "Back" },
        ], CancellationToken.None);

        Assert.Equal((read, WriteOutcome.Updated), (results[0].Key, results[0].Outcome));
        Assert.Equal(WriteOutcome.Failed, results[1].Outcome);
        Assert.Equal("ENTITY_IS_DELETED", results[1].Errors[0].Code);
        Assert.Equal(("Linked", "m1"), (sf.Fake.Find(read)!["LastName"], sf.Fake.Find(read)!["Loyalty_Id__c"]));
        Assert.Equal(2, sf.Fake.Contacts.Count);
        Assert.True(sf.CountRequests(request) >= 1);
    }
}
