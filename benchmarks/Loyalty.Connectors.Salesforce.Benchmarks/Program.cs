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
// Reads every contact from the fake and writes an update of each back twice, in writes of 2,000 (sObject Collections)
// and in writes of 10,000 (one Bulk API 2.0 job each), through the connector and through a plain HttpClient loop
// (pre-serialised payloads, no parsing beyond nextRecordsUrl and the job state), and prints the rates. With --faults
// the connector's run also meets 5% 503s, and an expired session and a rate-limit stop in each phase, and is checked
// for lost and duplicated records.
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
const int BulkWriteSize = 10_000;
const string Soql = "SELECT Id, IsDeleted, SystemModstamp, LastName, Email, Loyalty_Id__c FROM Contact ORDER BY SystemModstamp, Id";
// Bulk jobs complete on the first poll: the fake processes a job when it is closed, and a real org's processing time
// would be the same for both clients.
var baseline = await FakeSalesforce.StartAsync(new FakeSalesforceOptions { DailyApiLimit = long.MaxValue, BulkPollsBeforeComplete = 0 });
var measured = await FakeSalesforce.StartAsync(new FakeSalesforceOptions
{
    DailyApiLimit = long.MaxValue,
    ServerErrorRate = faults ? 0.05 : 0,
    BulkPollsBeforeComplete = 0,
});
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

// Plain bulk loop: per 10,000 records a pre-serialised job and CSV; create, upload, close, poll, fetch both results.
var jobBody = """{"object":"Contact","externalIdFieldName":"Loyalty_Id__c","operation":"upsert","contentType":"CSV","columnDelimiter":"COMMA","lineEnding":"LF"}""";
var csvFiles = Enumerable.Range(0, contacts).Chunk(BulkWriteSize)
    .Select(chunk => "Loyalty_Id__c,Loyalty_Points__c,Loyalty_Tier__c\n" + string.Concat(chunk.Select(i => $"m{i},{i + 1},Platinum\n")))
    .ToList();
clock.Restart();
foreach (var csv in csvFiles)
{
    using var opened = await PlainAsync(HttpMethod.Post, "jobs/ingest", new StringContent(jobBody, Encoding.UTF8, "application/json"));
    using var job = await JsonDocument.ParseAsync(await opened.Content.ReadAsStreamAsync());
    var jobPath = $"jobs/ingest/{job.RootElement.GetProperty("id").GetString()}";
    (await PlainAsync(HttpMethod.Put, $"{jobPath}/batches", new StringContent(csv, Encoding.UTF8, "text/csv"))).Dispose();
    (await PlainAsync(HttpMethod.Patch, jobPath, new StringContent("""{"state":"UploadComplete"}""", Encoding.UTF8, "application/json"))).Dispose();
    while (true)
    {
        using var polled = await PlainAsync(HttpMethod.Get, jobPath, null);
        using var info = await JsonDocument.ParseAsync(await polled.Content.ReadAsStreamAsync());
        if (info.RootElement.GetProperty("state").GetString() == "JobComplete")
        {
            break;
        }
    }

    using var successful = await PlainAsync(HttpMethod.Get, $"{jobPath}/successfulResults/", null);
    await successful.Content.ReadAsStringAsync();
    using var failed = await PlainAsync(HttpMethod.Get, $"{jobPath}/failedResults/", null);
    await failed.Content.ReadAsStringAsync();
}

var plainBulkWriteSeconds = clock.Elapsed.TotalSeconds;

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
var connectorWriteSeconds = await ConnectorWritesAsync(PageSize, "Gold", 0);
var connectorBulkWriteSeconds = await ConnectorWritesAsync(BulkWriteSize, "Platinum", 1);

// Writes every contact in writes of batchSize as the host would, resuming a stopped write with the same batch.
async Task<double> ConnectorWritesAsync(int batchSize, string tier, int pointsOffset)
{
    var writes = Enumerable.Range(0, contacts).Chunk(batchSize).ToList();
    clock.Restart();
    foreach (var (batch, n) in writes.Select((b, n) => (b, n)))
    {
        if (faults && n == writes.Count / 4)
        {
            measured.FailNext(FakeFault.ExpiredSession);
        }

        if (faults && n == writes.Count / 2)
        {
            measured.FailNext(FakeFault.RequestLimitExceeded);
        }

        var request = new WriteRequest("Contact", "Loyalty_Id__c", [.. batch.Select(i => new RecordUpsert($"m{i}", new Dictionary<string, string?>
        {
            ["Loyalty_Points__c"] = (i + pointsOffset).ToString(CultureInfo.InvariantCulture),
            ["Loyalty_Tier__c"] = tier,
        }))]);
        var results = await ResumingAsync(() => connector.WriteAsync(request, CancellationToken.None));
        failedWrites += results.Count(r => r.Outcome == RecordOutcome.Failed);
    }

    return clock.Elapsed.TotalSeconds;
}

var stored = measured.Contacts;
var lost = contacts - read.Count;
var duplicatedRecords = stored.Count - contacts;
// The last pass (bulk) set every contact's tier to Platinum and its points to its number + 1.
var notUpdated = stored.Count(c => c["Loyalty_Tier__c"] != "Platinum"
    || c["Loyalty_Points__c"] != (int.Parse(c["Loyalty_Id__c"]![1..], CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture));

Console.WriteLine($"| {contacts:N0} contacts{(faults ? ", with faults" : "")} | plain HttpClient | connector | ratio |");
Console.WriteLine("| --- | --- | --- | --- |");
Console.WriteLine($"| read (records/s) | {plainRead / plainReadSeconds:N0} | {read.Count / connectorReadSeconds:N0} | {plainReadSeconds / connectorReadSeconds:F2} |");
Console.WriteLine($"| write, collections of 200 in writes of 2,000 (records/s) | {contacts / plainWriteSeconds:N0} | {contacts / connectorWriteSeconds:N0} | {plainWriteSeconds / connectorWriteSeconds:F2} |");
Console.WriteLine($"| write, Bulk API 2.0 jobs of 10,000 (records/s) | {contacts / plainBulkWriteSeconds:N0} | {contacts / connectorBulkWriteSeconds:N0} | {plainBulkWriteSeconds / connectorBulkWriteSeconds:F2} |");
Console.WriteLine();
Console.WriteLine($"connector: {lost} lost, {duplicatesRead} read twice, {duplicatedRecords} duplicated in Salesforce, {notUpdated} not updated, {failedWrites} failed writes, {stops} stops resumed; API calls {measured.ApiUsage:N0} (plain loop {baseline.ApiUsage:N0})");
await baseline.DisposeAsync();
await measured.DisposeAsync();
return lost == 0 && duplicatesRead == 0 && duplicatedRecords == 0 && notUpdated == 0 ? 0 : 1;

async Task<HttpResponseMessage> PlainAsync(HttpMethod method, string path, HttpContent? content)
{
    using var request = new HttpRequestMessage(method, new Uri(baseline.BaseAddress, $"/services/data/v62.0/{path}")) { Content = content };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    var response = await http.SendAsync(request);
    response.EnsureSuccessStatusCode();
    return response;
}

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
