using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loyalty.Testing.Salesforce;

namespace Loyalty.Benchmarks;

/// <summary>
/// Issue 9: the sync engine end to end. The fake Salesforce holds <c>contacts</c> contacts; a manual run of a connection
/// of the host process creates a member of each (inbound), and the enrolments go back out through the outbox and the
/// outbound queue, writing each member's id and points to its contact (outbound). Against a plain HttpClient loop on a
/// second fake with the same contacts in the same run: queryAll and its pages, then pre-serialised collections of 200.
/// With faults the engine's fake answers 5% of data requests with 503, and each phase meets an expired session and a
/// rate-limit stop, after which the benchmark starts the next run as an admin would.
/// </summary>
public static class SyncBenchmark
{
    private const string Program = "bench";
    private const string Soql = "SELECT Id, IsDeleted, SystemModstamp, LastName, Email, Loyalty_Id__c FROM Contact ORDER BY SystemModstamp, Id";

    public static async Task<string> RunAsync(string hostDll, string provider, int contacts, bool faults)
    {
        await using var baseline = await FakeSalesforce.StartAsync(new FakeSalesforceOptions { DailyApiLimit = long.MaxValue });
        await using var crm = await FakeSalesforce.StartAsync(new FakeSalesforceOptions { DailyApiLimit = long.MaxValue, ServerErrorRate = faults ? 0.05 : 0 });
        foreach (var fake in new[] { baseline, crm })
        {
            for (var i = 0; i < contacts; i++)
            {
                fake.Seed(new JsonObject { ["LastName"] = $"Last{i}", ["Email"] = $"m{i}@example.test" });
            }
        }

        var (plainRead, plainWrite) = await PlainLoopAsync(baseline, contacts);

        await using var database = await BenchDatabase.CreateAsync(provider);
        await using var host = await HostProcess.StartAsync(hostDll, database);
        using var admin = await host.ApiKeyClientAsync(4, "Admin");
        (await admin.PostAsJsonAsync("/api/members/programs", new { code = Program, name = "Benchmark", timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();
        var created = await admin.PostAsJsonAsync("/api/connectors/connections", new
        {
            name = "salesforce", connectorId = "salesforce",
            settings = new Dictionary<string, string> { ["loginUrl"] = crm.LoginUrl, ["clientId"] = "fake-client-id", ["clientSecret"] = "fake-client-secret" },
        });
        created.EnsureSuccessStatusCode();
        var connection = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var setup = await admin.PutAsJsonAsync($"/api/connectors/connections/{connection}/sync", new
        {
            program = Program, @object = "Contact", externalIdField = "Loyalty_Id__c", pageSize = 2000, lookBackSeconds = 60, intervalMinutes = 10080,
            mappings = new object[]
            {
                new { direction = "inbound", loyaltyField = "email", crmField = "Email" },
                new { direction = "inbound", loyaltyField = "lastName", crmField = "LastName" },
                new { direction = "outbound", loyaltyField = "pointsBalance", crmField = "Loyalty_Points__c" },
            },
        });
        if (!setup.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"sync setup refused: {await setup.Content.ReadAsStringAsync()}");
        }

        var members = database.Table("members", "Members");
        var queue = database.Table("connectors", "OutboundChanges");
        var runs = 0;
        var clock = Stopwatch.StartNew();
        var inboundFaults = faults ? new Queue<(long At, FakeFault Fault)>([(contacts / 4, FakeFault.ExpiredSession), (contacts / 2, FakeFault.RequestLimitExceeded)]) : new();
        await RunUntilAsync(admin, connection, () => runs++, async () =>
        {
            var count = await database.ScalarAsync($"SELECT COUNT(*) FROM {members}");
            while (inboundFaults.Count > 0 && count >= inboundFaults.Peek().At)
            {
                crm.FailNext(inboundFaults.Dequeue().Fault);
            }

            return count >= contacts;
        });
        var inboundSeconds = clock.Elapsed.TotalSeconds;

        // Outbound: every contact carries its member's id and points once the enrolments have left the queue.
        var outboundFaults = faults ? new Queue<(long At, FakeFault Fault)>([(contacts / 4, FakeFault.ExpiredSession), (contacts / 2, FakeFault.RequestLimitExceeded)]) : new();
        clock.Restart();
        await RunUntilAsync(admin, connection, () => runs++, async () =>
        {
            var written = crm.Contacts.Count(c => c["Loyalty_Id__c"] is not null && c["Loyalty_Points__c"] is not null);
            while (outboundFaults.Count > 0 && written >= outboundFaults.Peek().At)
            {
                crm.FailNext(outboundFaults.Dequeue().Fault);
            }

            return written >= contacts && await database.ScalarAsync($"SELECT COUNT(*) FROM {queue}") == 0;
        });
        var outboundSeconds = clock.Elapsed.TotalSeconds;

        var memberCount = await database.ScalarAsync($"SELECT COUNT(*) FROM {members}");
        var distinctEmails = await database.ScalarAsync($"SELECT COUNT(DISTINCT \"Email\") FROM {members}");
        var stored = crm.Contacts;
        var ids = stored.Select(c => c["Loyalty_Id__c"]).Where(id => id is not null).ToList();
        var lost = contacts - distinctEmails;
        var duplicatedMembers = memberCount - distinctEmails;
        var duplicatedContacts = stored.Count - contacts + (ids.Count - ids.Distinct(StringComparer.Ordinal).Count());
        var notUpdated = stored.Count(c => c["Loyalty_Id__c"] is null || c["Loyalty_Points__c"] is null);

        var inboundRate = contacts / inboundSeconds;
        var outboundRate = contacts / outboundSeconds;
        var report = new StringBuilder();
        report.AppendLine(FormattableString.Invariant($"### Salesforce sync engine, {provider} ({contacts:N0} contacts{(faults ? ", with faults" : "")})"));
        report.AppendLine();
        report.AppendLine("| phase | plain HttpClient records/s | sync engine records/s | engine s | ratio |");
        report.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        report.AppendLine(FormattableString.Invariant($"| inbound: contacts read, members created | {plainRead:F0} | {inboundRate:F0} | {inboundSeconds:F1} | **{inboundRate / plainRead:F2}** |"));
        report.AppendLine(FormattableString.Invariant($"| outbound: member id and points written to each contact | {plainWrite:F0} | {outboundRate:F0} | {outboundSeconds:F1} | **{outboundRate / plainWrite:F2}** |"));
        report.AppendLine();
        report.AppendLine(FormattableString.Invariant(
            $"{memberCount:N0} members, {lost} lost, {duplicatedMembers} duplicated members, {duplicatedContacts} duplicated contacts, {notUpdated} contacts not updated; {runs} runs; API calls {crm.ApiUsage:N0} (plain loop {baseline.ApiUsage:N0})."));
        return report.ToString();
    }

    /// <summary>Starts runs of the connection, each after the last finished (a stopped one too), until <paramref name="done"/>.</summary>
    private static async Task RunUntilAsync(HttpClient admin, Guid connection, Action started, Func<Task<bool>> done)
    {
        var runs = $"/api/connectors/connections/{connection}/runs";
        while (!await done())
        {
            var response = await admin.PostAsync(runs, null);
            if (response.StatusCode is not (HttpStatusCode.Accepted or HttpStatusCode.Conflict))
            {
                throw new InvalidOperationException($"run refused: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            var run = (response.StatusCode == HttpStatusCode.Conflict ? body.GetProperty("runId") : body.GetProperty("id")).GetGuid();
            started();
            while (true)
            {
                await Task.Delay(200);
                var status = (await admin.GetFromJsonAsync<JsonElement>($"{runs}/{run}")).GetProperty("status").GetString();
                if (await done())
                {
                    return;
                }

                if (status is not ("queued" or "running"))
                {
                    if (status == "failed")
                    {
                        Console.Error.WriteLine($"  run {run} failed: {(await admin.GetFromJsonAsync<JsonElement>($"{runs}/{run}")).GetProperty("error")}");
                    }

                    // The outbox delivers the enrolments to the queue a moment after the members exist.
                    await Task.Delay(500);
                    break;
                }
            }
        }
    }

    /// <summary>The plain loop of the connector benchmark: one token, queryAll and its pages, then pre-serialised collections of 200.</summary>
    private static async Task<(double Read, double Write)> PlainLoopAsync(FakeSalesforce fake, int contacts)
    {
        using var http = new HttpClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "fake-client-id", ["client_secret"] = "fake-client-secret",
        });
        using var tokenResponse = await http.PostAsync(new Uri(fake.BaseAddress, "/services/oauth2/token"), form);
        tokenResponse.EnsureSuccessStatusCode();
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        var ids = new List<string>(contacts);
        var clock = Stopwatch.StartNew();
        string? next = $"/services/data/v62.0/queryAll?q={Uri.EscapeDataString(Soql)}";
        while (next is not null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fake.BaseAddress, next));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.TryAddWithoutValidation("Sforce-Query-Options", "batchSize=2000");
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            using var page = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
            ids.AddRange(page.RootElement.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("Id").GetString()!));
            next = page.RootElement.GetProperty("done").GetBoolean() ? null : page.RootElement.GetProperty("nextRecordsUrl").GetString();
        }

        var readRate = ids.Count / clock.Elapsed.TotalSeconds;
        // As the engine's first write back: by record id, the member id and the points.
        var payloads = ids.Chunk(200).Select(chunk => new JsonObject
        {
            ["allOrNone"] = false,
            ["records"] = new JsonArray([.. chunk.Select(id => new JsonObject
            {
                ["attributes"] = new JsonObject { ["type"] = "Contact" },
                ["Id"] = id,
                ["Loyalty_Id__c"] = Guid.NewGuid().ToString(),
                ["Loyalty_Points__c"] = 0,
            })]),
        }.ToJsonString()).ToList();
        clock.Restart();
        foreach (var payload in payloads)
        {
            using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri(fake.BaseAddress, "/services/data/v62.0/composite/sobjects"))
            {
                Content = new StringContent(payload, Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }

        var writeRate = contacts / clock.Elapsed.TotalSeconds;
        if (fake.Contacts.Count(c => c["Loyalty_Id__c"] is not null) != contacts)
        {
            throw new InvalidOperationException("the plain loop's writes did not reach every contact");
        }

        return (readRate, writeRate);
    }
}
