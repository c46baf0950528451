using System.Text.Json.Nodes;
using Loyalty.Connectors.Salesforce;
using Loyalty.Testing.Salesforce;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loyalty.Connectors.Salesforce.Tests;

/// <summary>A fake Salesforce and a client of it, made per test; retries wait milliseconds, not seconds.</summary>
internal sealed class SalesforceFixture : IAsyncDisposable
{
    private readonly HttpClient _http = new();

    private SalesforceFixture(FakeSalesforce fake, SalesforceSettings settings)
    {
        Fake = fake;
        Settings = settings;
        Client = new SalesforceRestClient(_http, settings, TimeProvider.System, NullLogger.Instance);
        Reader = new SalesforceChangeReader(Client);
    }

    public FakeSalesforce Fake { get; }

    public SalesforceSettings Settings { get; }

    public SalesforceRestClient Client { get; }

    public SalesforceChangeReader Reader { get; }

    public static async Task<SalesforceFixture> StartAsync(
        FakeSalesforceOptions? options = null, Func<SalesforceSettings, SalesforceSettings>? configure = null)
    {
        options ??= new FakeSalesforceOptions();
        var fake = await FakeSalesforce.StartAsync(options);
        var settings = new SalesforceSettings
        {
            LoginUrl = new Uri(fake.LoginUrl),
            ClientId = options.ClientId,
            ClientSecret = options.ClientSecret,
            RetryBaseDelay = TimeSpan.FromMilliseconds(5),
            AttemptTimeout = TimeSpan.FromSeconds(10),
        };
        return new SalesforceFixture(fake, configure?.Invoke(settings) ?? settings);
    }

    public static JsonObject Contact(string loyaltyId, string lastName, string? email = null)
    {
        var contact = new JsonObject { ["Loyalty_Id__c"] = loyaltyId, ["LastName"] = lastName };
        if (email is not null)
        {
            contact["Email"] = email;
        }

        return contact;
    }

    public Task<IReadOnlyList<SalesforceWriteResult>> UpsertAsync(params JsonObject[] records) =>
        Client.UpsertAsync("Contact", "Loyalty_Id__c", records, CancellationToken.None);

    public Task<SalesforceChangePage> ReadAsync(string? cursor, int pageSize = 2000, TimeSpan lookBack = default) =>
        Reader.ReadAsync("Contact", ["LastName", "Email", "Loyalty_Id__c"], cursor, pageSize, lookBack, CancellationToken.None);

    /// <summary>Reads pages until one says there is no more; returns every change and the last cursor.</summary>
    public async Task<(List<SalesforceChange> Changes, string Cursor, int Pages)> ReadAllAsync(string? cursor, int pageSize, TimeSpan lookBack = default)
    {
        var changes = new List<SalesforceChange>();
        var pages = 0;
        while (true)
        {
            var page = await ReadAsync(cursor, pageSize, lookBack);
            pages++;
            changes.AddRange(page.Changes);
            cursor = page.Cursor;
            if (!page.HasMore)
            {
                return (changes, cursor, pages);
            }
        }
    }

    public int CountRequests(string prefix) => Fake.Requests.Count(r => r.StartsWith(prefix, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Fake.DisposeAsync();
    }
}
