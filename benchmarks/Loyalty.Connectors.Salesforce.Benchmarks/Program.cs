using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loyalty.Connectors.Salesforce;
using Loyalty.Connectors.Sdk;
using Loyalty.Testing.Salesforce;
using Microsoft.Extensions.Logging.Abstractions;

// Usage: dotnet Loyalty.Connectors.Salesforce.Benchmarks.dll [--contacts 100000] [--faults]
// Reads every contact from the fake and writes an update of each back, through the connector and through a plain
// HttpClient loop (pre-serialised payloads, no parsing beyond nextRecordsUrl), and prints both rates. With --faults
// the connector's run also meets 5% 503s, one expired session and one rate-limit stop, and is checked for lost and
// duplicated records.
var contacts = 100_000;
var faults = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--contacts":
            contacts = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--faults":
            faults = true;
            break;
        default:
            Console.Error.WriteLine($"unknown argument {args[i]}");
            return 2;
    }
}

const int PageSize = 2000;
const string Soql = "SELECT Id, IsDeleted, SystemModstamp, LastName, Email, Loyalty_Id__c FROM Contact ORDER BY SystemModstamp, Id";
var baseline = await FakeSalesforce.StartAsync(new FakeSalesforceOptions { DailyApiLimit = long.MaxValue });
var measured = await FakeSalesforce.StartAsync(new FakeSalesforceOptions { DailyApiLimit = long.MaxValue, ServerErrorRate = faults ? 0.05 : 0 });
foreach (var fake in new[] { baseline, measured })
{
    for (var i = 0; i < contacts; i++)
    {
        fake.Seed(new JsonObject { ["LastName"] = $"Last{i}", ["Email"] = $"m{i}@example.test", ["Loyalty_Id__c"] = $"m{i}" });
    }
}

// Plain loop: one token, GET the query and its nextRecordsUrl pages, then PATCH pre-serialised collections of 200.
using var http = new HttpClient();
var token = await TokenAsync(http, baseline);
var clock = Stopwatch.StartNew();
var plainRead = 0;
string? next = $"/services/data/v62.0/queryAll?q={Uri.EscapeDataString(Soql)}";
while (next is not null)
{
    using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseline.BaseAddress, next));
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    request.Headers.TryAddWithoutValidation("Sforce-Query-Options", "batchSize=2000");
    using var response = await http.SendAsync(request);
    response.EnsureSuccessStatusCode();
    using var page = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
    plainRead += page.RootElement.GetProperty("records").GetArrayLength();
    next = page.RootElement.GetProperty("done").GetBoolean() ? null : page.RootElement.GetProperty("nextRecordsUrl").GetString();
}

var plainReadSeconds = clock.Elapsed.TotalSeconds;
var payloads = Enumerable.Range(0, contacts).Chunk(200).Select(chunk => new JsonObject
{
    ["allOrNone"] = false,
    ["records"] = new JsonArray([.. chunk.Select(i => new JsonObject
    {
        ["attributes"] = new JsonObject { ["type"] = "Contact" },
        ["Loyalty_Id__c"] = $"m{i}",
        ["Loyalty_Points__c"] = i,
        ["Loyalty_Tier__c"] = "Gold",
    })]),
}.ToJsonString()).ToList();
clock.Restart();
foreach (var payload in payloads)
{
    using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri(baseline.BaseAddress, "/services/data/v62.0/composite/sobjects/Contact/Loyalty_Id__c"))
    {
        Content = new StringContent(payload, Encoding.UTF8, "application/json"),
    };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    using var response = await http.SendAsync(request);
    response.EnsureSuccessStatusCode();
}

var plainWriteSeconds = clock.Elapsed.TotalSeconds;

// The connector, as the host would drive it: pages of 2,000 from a cursor, writes in batches of 2,000.
var manifest = ConnectorManifest.Load(AppContext.BaseDirectory);
var configuration = ConnectorConfiguration.Create(manifest.Configuration, new Dictionary<string, string?>
{
    ["loginUrl"] = measured.LoginUrl,
    ["clientId"] = "fake-client-id",
    ["clientSecret"] = "fake-client-secret",
    ["maxRetries"] = "6",
}, out _);
await using var connector = new SalesforceConnectorFactory().Create(
    new ConnectorContext("benchmark", configuration, () => new HttpClient(), NullLogger.Instance, TimeProvider.System));
var stops = 0;
async Task<T> ResumingAsync<T>(Func<Task<T>> call)
{
    while (true)
    {
        try
        {
            return await call();
        }
        catch (ConnectorException e) when (e.Kind is ConnectorErrorKind.RateLimited or ConnectorErrorKind.Transient)
        {
            // The host would stop and resume later with the same cursor or batch; the benchmark resumes at once.
            stops++;
        }
    }
}

var read = new HashSet<string>(StringComparer.Ordinal);
var duplicatesRead = 0;
string? cursor = null;
var pages = 0;
clock.Restart();
while (true)
{
    if (faults && pages == 10)
    {
        measured.FailNext(FakeFault.ExpiredSession);
    }

    if (faults && pages == 20)
    {
        measured.FailNext(FakeFault.RequestLimitExceeded);
    }

    var page = await ResumingAsync(() => connector.ReadChangesAsync(new ReadRequest("Contact", ["LastName", "Email", "Loyalty_Id__c"], cursor, PageSize, TimeSpan.Zero), CancellationToken.None));
    pages++;
    foreach (var record in page.Records)
    {
        duplicatesRead += read.Add(record.Id) ? 0 : 1;
    }

    cursor = page.NextCursor;
    if (!page.HasMore)
    {
        break;
    }
}

var connectorReadSeconds = clock.Elapsed.TotalSeconds;
var failedWrites = 0;
clock.Restart();
foreach (var (batch, n) in Enumerable.Range(0, contacts).Chunk(PageSize).Select((b, n) => (b, n)))
{
    if (faults && n == 5)
    {
        measured.FailNext(FakeFault.ExpiredSession);
    }

    if (faults && n == 10)
    {
        measured.FailNext(FakeFault.RequestLimitExceeded);
    }

    var request = new WriteRequest("Contact", "Loyalty_Id__c", [.. batch.Select(i => new RecordUpsert($"m{i}", new Dictionary<string, string?>
    {
        ["Loyalty_Points__c"] = i.ToString(CultureInfo.InvariantCulture),
        ["Loyalty_Tier__c"] = "Gold",
    }))]);
    var results = await ResumingAsync(() => connector.WriteAsync(request, CancellationToken.None));
    failedWrites += results.Count(r => r.Outcome == RecordOutcome.Failed);
}

var connectorWriteSeconds = clock.Elapsed.TotalSeconds;
var stored = measured.Contacts;
var lost = contacts - read.Count;
var duplicatedRecords = stored.Count - contacts;
var notUpdated = stored.Count(c => c["Loyalty_Tier__c"] != "Gold");

Console.WriteLine($"| {contacts:N0} contacts{(faults ? ", with faults" : "")} | plain HttpClient | connector | ratio |");
Console.WriteLine("| --- | --- | --- | --- |");
Console.WriteLine($"| read (records/s) | {plainRead / plainReadSeconds:N0} | {read.Count / connectorReadSeconds:N0} | {plainReadSeconds / connectorReadSeconds:F2} |");
Console.WriteLine($"| write (records/s) | {contacts / plainWriteSeconds:N0} | {contacts / connectorWriteSeconds:N0} | {plainWriteSeconds / connectorWriteSeconds:F2} |");
Console.WriteLine();
Console.WriteLine($"connector: {lost} lost, {duplicatesRead} read twice, {duplicatedRecords} duplicated in Salesforce, {notUpdated} not updated, {failedWrites} failed writes, {stops} stops resumed; API calls {measured.ApiUsage:N0} (plain loop {baseline.ApiUsage:N0})");
await baseline.DisposeAsync();
await measured.DisposeAsync();
return lost == 0 && duplicatesRead == 0 && duplicatedRecords == 0 && notUpdated == 0 ? 0 : 1;

static async Task<string> TokenAsync(HttpClient http, FakeSalesforce fake)
{
    using var form = new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = "fake-client-id",
        ["client_secret"] = "fake-client-secret",
    });
    using var response = await http.PostAsync(new Uri(fake.BaseAddress, "/services/oauth2/token"), form);
    response.EnsureSuccessStatusCode();
    using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
    return body.RootElement.GetProperty("access_token").GetString()!;
}
