using System.Text.Json.Nodes;
using Loyalty.Connectors.Sdk;
using Loyalty.Connectors.Sdk.Testing;
using Loyalty.Testing.Salesforce;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Loyalty.Connectors.Salesforce.Tests;

/// <summary>The shipped connector passes the SDK's conformance kit, run against the fake Salesforce.</summary>
public sealed class ConformanceTests
{
    [Fact]
    public async Task The_Salesforce_connector_passes_the_conformance_kit()
    {
        // Salesforce stamps whole seconds: every look at the clock moves it a second on.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero)) { AutoAdvanceAmount = TimeSpan.FromSeconds(1) };
        await using var fake = await FakeSalesforce.StartAsync(new FakeSalesforceOptions { TimeProvider = clock });
        var manifest = ConnectorManifest.Load(AppContext.BaseDirectory);
        var configuration = ConnectorConfiguration.Create(manifest.Configuration, new Dictionary<string, string?>
        {
            ["loginUrl"] = fake.LoginUrl, ["clientId"] = "fake-client-id", ["clientSecret"] = "fake-client-secret",
        }, out var errors);
        Assert.Empty(errors);
        await using var connector = new SalesforceConnectorFactory().Create(
            new ConnectorContext("conformance", configuration, () => new HttpClient(), NullLogger.Instance, clock));

        await ConnectorConformance.RunAsync(connector, new FakeSalesforceBackend(fake), new ConformanceScenario
        {
            ObjectName = "Contact", ExternalIdField = "Loyalty_Id__c", TextField = "FirstName",
            RequiredFields = new Dictionary<string, string?> { ["LastName"] = "Conformance" },
        });
    }

    private sealed class FakeSalesforceBackend(FakeSalesforce fake) : IConformanceBackend
    {
        private static readonly string[] Fields = ["FirstName", "LastName", "Email", "Loyalty_Id__c"];

        public Task<string> CreateAsync(string objectName, IReadOnlyDictionary<string, string?> fields) => Task.FromResult(fake.Seed(Json(fields)));

        public Task UpdateAsync(string objectName, string id, IReadOnlyDictionary<string, string?> fields)
        {
            fake.EditInSalesforce(id, Json(fields));
            return Task.CompletedTask;
        }

        public Task DeleteAsync(string objectName, string id)
        {
            fake.DeleteInSalesforce(id);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyDictionary<string, string?>?> GetAsync(string objectName, string id) =>
            Task.FromResult(fake.Find(id) is { IsDeleted: false } contact
                ? (IReadOnlyDictionary<string, string?>?)Fields.ToDictionary(f => f, f => contact[f], StringComparer.Ordinal)
                : null);

        private static JsonObject Json(IReadOnlyDictionary<string, string?> fields)
        {
            var json = new JsonObject();
            foreach (var (name, value) in fields)
            {
                json[name] = value;
            }

            return json;
        }
    }
}
