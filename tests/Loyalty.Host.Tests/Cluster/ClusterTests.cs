using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Loyalty.Host.Tests.Cluster;

/// <summary>Two host processes on one PostgreSQL database, one of them killed with SIGKILL in the middle of a job.</summary>
public sealed class ClusterTests(ITestOutputHelper output)
{
    private const int ImportRows = 400;
    private const int Members = 8;
    private const long StartingPoints = 1_000_000;
    private const long RewardCost = 500;

    [PostgresFact]
    public async Task A_node_killed_during_an_import_under_load_loses_and_doubles_nothing_and_the_survivor_finishes_the_import()
    {
        var clock = Stopwatch.StartNew();
        await using var cluster = await HostCluster.StartAsync(2, new Dictionary<string, string>
        {
            ["Modules__Members__Imports__BatchSize"] = "20",
            // A dead runner's lease runs out after 10 s (long enough for a batch on a loaded machine), and every node
            // looks for such jobs each second.
            ["Modules__Members__Imports__LeaseDuration"] = "00:00:10",
            ["Modules__Members__Imports__PollInterval"] = "00:00:01",
            // A request in flight on the killed node leaves its Idempotency-Key in progress; a repeat may take it over
            // after this (5 minutes by default), which must stay longer than the slowest live request.
            ["Idempotency__InProgressTimeout"] = "00:00:15",
            // The same for an outbox message the killed node had claimed (2 minutes by default).
            ["Outbox__ClaimDuration"] = "00:00:10",
        });
        output.WriteLine($"two nodes ready after {clock.Elapsed.TotalSeconds:F1} s");
        var nodes = cluster.Nodes;
        var admin = nodes.Select(n => n.Client(cluster.AdminKey)).ToArray();
        var pos = nodes.Select(n => n.Client(cluster.IntegratorKey)).ToArray();
        var program = $"c{Guid.NewGuid():N}"[..12];
        (await admin[0].PostAsJsonAsync("/api/members/programs", new { code = program, name = "Cluster", timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();
        var membersPath = $"/api/members/programs/{program}/members";

        // A cookie issued by one node works on the other: the Data Protection key ring is in the database.
        using (var signedIn = await HostCluster.SignedInAdminAsync(nodes[0]))
        {
            using var me = new HttpRequestMessage(HttpMethod.Get, "/api/admin/auth/me");
            me.Headers.Add("Cookie", signedIn.Cookie);
            using var anonymous = nodes[1].Client();
            Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(me)).StatusCode);
        }

        var reward = await CreatedIdAsync(await admin[1].PostAsJsonAsync($"/api/rewards/programs/{program}/rewards", new { name = "5 € off", kind = "discountVoucher", pointsCost = RewardCost, value = 500 }));
        var members = new List<Guid>();
        for (var i = 0; i < Members; i++)
        {
            var member = await CreatedIdAsync(await pos[i % 2].PostAsJsonAsync(membersPath, new { externalId = $"load-{i}", channel = "web" }));
            (await admin[(i + 1) % 2].PostAsJsonAsync($"{membersPath}/{member}/adjustments", new { points = StartingPoints, reason = "cluster test" })).EnsureSuccessStatusCode();
            members.Add(member);
        }

        // Purchases and redemptions at both nodes, all the time, from four clients.
        var operations = new ConcurrentBag<Operation>();
        var dead = new bool[2];
        using var stopLoad = new CancellationTokenSource();
        var load = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !stopLoad.IsCancellationRequested; i++)
            {
                var node = (worker + i) % 2;
                if (Volatile.Read(ref dead[node]))
                {
                    node = 1 - node;
                }

                var operation = Operation.Random(program, members[(worker * 3 + i) % Members], reward, $"w{worker}-{i}", i % 3 == 2);
                operations.Add(operation);
                await operation.SendAsync(pos[node]);
                // A steady load rather than the most the machine takes: the outbox must catch up within the test.
                await Task.Delay(20);
            }
        })).ToArray();

        // A bulk import; whichever node's runner takes it is killed once some batches are in.
        var csv = new StringBuilder("externalId,email,firstName\n");
        for (var i = 1; i <= ImportRows; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"imp-{i},imp{i}@example.com,M{i}\n");
        }

        var upload = await pos[0].PostAsync($"/api/members/programs/{program}/imports?kind=members&fileName=members.csv", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var job = await CreatedIdAsync(upload);
        var jobRow = $"FROM members.\"ImportJobs\" WHERE \"Id\" = '{job}'";
        string? victimRunner = null;
        for (var wait = Stopwatch.StartNew(); victimRunner is null; await Task.Delay(50))
        {
            Assert.True(wait.Elapsed < TimeSpan.FromSeconds(60), "The import did not start.");
            var row = (await cluster.RowsAsync($"SELECT \"Status\", \"RowsRead\", \"LockedBy\" {jobRow}")).Single();
            Assert.NotEqual("Completed", row[0]);
            if (row[0] == "Running" && long.Parse(row[1]!, System.Globalization.CultureInfo.InvariantCulture) >= 60)
            {
                victimRunner = row[2];
            }
        }

        Assert.Single(nodes, n => victimRunner!.Contains($"/{n.ProcessId}/", StringComparison.Ordinal));
        var victim = victimRunner!.Contains($"/{nodes[0].ProcessId}/", StringComparison.Ordinal) ? 0 : 1;
        var survivor = 1 - victim;
        var readBeforeKill = await cluster.ScalarAsync($"SELECT \"RowsRead\" {jobRow}");
        Volatile.Write(ref dead[victim], true);
        var victimProcess = nodes[victim].ProcessId;
        await nodes[victim].KillAsync();
        output.WriteLine($"{nodes[victim].Name} killed at {clock.Elapsed.TotalSeconds:F1} s with {readBeforeKill} of {ImportRows} rows read");

        // The outbox messages the dead node had claimed: no one may take them until the claim runs out, then someone must.
        var outboxes = await cluster.OutboxSchemasAsync();
        var claimedByTheDead = new List<(string Schema, string Id)>();
        foreach (var schema in outboxes)
        {
            claimedByTheDead.AddRange((await cluster.RowsAsync(
                $"SELECT \"Id\" FROM {schema}.\"OutboxMessages\" WHERE \"LockedBy\" LIKE '%/{victimProcess}/%' AND \"Status\" = 'Pending'")).Select(r => (schema, r[0]!)));
        }

        output.WriteLine($"{claimedByTheDead.Count} outbox messages were claimed by the killed node");

        // Only the survivor runs now: it takes the import over once the dead runner's lease ran out, and finishes it.
        string? status = null;
        for (var wait = Stopwatch.StartNew(); status != "Completed"; await Task.Delay(200))
        {
            Assert.True(wait.Elapsed < TimeSpan.FromSeconds(120), $"The import was not finished by the survivor (status {status}).\n{nodes[survivor].Tail()}");
            status = (await cluster.RowsAsync($"SELECT \"Status\" {jobRow}")).Single()[0];
        }

        var finished = (await cluster.RowsAsync($"SELECT \"RowsRead\", \"RowsSucceeded\", \"RowsSkipped\", \"RowsFailed\" {jobRow}")).Single();
        output.WriteLine($"import completed at {clock.Elapsed.TotalSeconds:F1} s");

        // The killed node comes back on its port and the load goes on at both.
        await nodes[victim].StartAsync();
        Volatile.Write(ref dead[victim], false);
        output.WriteLine($"{nodes[victim].Name} restarted at {clock.Elapsed.TotalSeconds:F1} s");
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stopLoad.CancelAsync();
        await Task.WhenAll(load);

        // A request whose node died before it answered is sent again, as a client would, with the same key and body,
        // until it gets an answer: while the dead node's claim of the key has not timed out, the answer is 409.
        var all = operations.ToList();
        foreach (var unknown in all.Where(o => o.Status is null))
        {
            for (var wait = Stopwatch.StartNew(); ; await Task.Delay(1000))
            {
                await unknown.SendAsync(pos[survivor]);
                if (unknown.Status != HttpStatusCode.Conflict || !unknown.Body!.Contains("is in progress", StringComparison.Ordinal) || wait.Elapsed > TimeSpan.FromSeconds(60))
                {
                    break;
                }
            }
        }

        Assert.Equal(($"{ImportRows}", $"{ImportRows}", "0", "0"), (finished[0], finished[1], finished[2], finished[3]));
        Assert.All(all, o => Assert.True(o.Status is HttpStatusCode.OK or HttpStatusCode.Created, $"{o.Kind} {o.ExternalId}: {o.Status} {o.Body}"));
        var purchases = all.Where(o => o.Kind == "purchase").Select(o => o.ExternalId).ToHashSet();
        var redemptions = all.Where(o => o.Kind == "redemption").Select(o => o.ExternalId).ToHashSet();
        output.WriteLine($"{all.Count} requests: {purchases.Count} purchases, {redemptions.Count} redemptions, {all.Count(o => o.Retried)} sent again after the kill");

        // Every accepted purchase and redemption exists exactly once, and nothing else does.
        var stored = await cluster.RowsAsync("SELECT \"ExternalId\", COUNT(*) FROM members.\"Transactions\" GROUP BY \"ExternalId\"");
        Assert.Equal(purchases.Order(), stored.Select(r => r[0]!).Order());
        Assert.All(stored, r => Assert.Equal("1", r[1]));
        var redeemed = await cluster.RowsAsync("SELECT \"ExternalId\", COUNT(*) FROM rewards.\"Redemptions\" GROUP BY \"ExternalId\"");
        Assert.Equal(redemptions.Order(), redeemed.Select(r => r[0]!).Order());
        Assert.All(redeemed, r => Assert.Equal("1", r[1]));
        // Each purchase credits each of the member's two accounts once; no entry is there twice.
        Assert.Equal(2 * purchases.Count, await cluster.ScalarAsync("SELECT COUNT(*) FROM members.\"LedgerEntries\" WHERE \"Type\" = 'Accrual'"));
        Assert.Equal(0, await cluster.ScalarAsync(
            "SELECT COUNT(*) FROM (SELECT 1 FROM members.\"LedgerEntries\" WHERE \"Type\" IN ('Accrual', 'Redemption') GROUP BY \"AccountId\", \"Type\", \"ReferenceId\" HAVING COUNT(*) > 1) d"));

        // Every imported member exists once, with its accounts and one enrolment event.
        Assert.Equal(ImportRows + Members, await cluster.ScalarAsync("SELECT COUNT(*) FROM members.\"Members\""));
        Assert.Equal(ImportRows + Members, await cluster.ScalarAsync("SELECT COUNT(DISTINCT \"Id\") FROM members.\"Members\""));
        Assert.Equal(2 * (ImportRows + Members), await cluster.ScalarAsync("SELECT COUNT(*) FROM members.\"PointsAccounts\""));
        Assert.Equal(ImportRows + Members, await cluster.ScalarAsync("SELECT COUNT(*) FROM members.\"OutboxMessages\" WHERE \"EventType\" LIKE '%MemberEnrolled%'"));

        // The outbox delivers everything, and each handler took each event once. The nodes work off the load's backlog
        // (some thousands of messages on a loaded 2-core machine), so the wait lasts while they make progress.
        var drain = Stopwatch.StartNew();
        var backlog = await cluster.WaitForOutboxesAsync($"killed {nodes[victim].Name} pid {victimProcess}, survivor pid {nodes[survivor].ProcessId}");
        output.WriteLine($"{backlog} outbox messages undelivered when the load stopped");
        output.WriteLine($"outbox delivered {drain.Elapsed.TotalSeconds:F1} s after the load stopped");
        foreach (var (schema, id) in claimedByTheDead)
        {
            Assert.Equal("Delivered", (await cluster.RowsAsync($"SELECT \"Status\" FROM {schema}.\"OutboxMessages\" WHERE \"Id\" = '{id}'")).Single()[0]);
        }

        var enrolledHandlers = await cluster.RowsAsync(
            "SELECT \"Handler\", COUNT(*), COUNT(DISTINCT \"EventId\") FROM campaigns.\"InboxMessages\" WHERE \"Handler\" LIKE '%OnMemberEnrolled%' GROUP BY \"Handler\"");
        Assert.NotEmpty(enrolledHandlers);
        Assert.All(enrolledHandlers, h => Assert.Equal(($"{ImportRows + Members}", $"{ImportRows + Members}"), (h[1], h[2])));

        // Balances equal their entries, and each member's balance is the start, plus accruals, less redemptions.
        foreach (var client in admin)
        {
            Assert.Equal("[]", await client.GetStringAsync($"/api/members/programs/{program}/ledger-check"));
        }

        foreach (var member in members)
        {
            var seen = await Task.WhenAll(admin.Select(c => c.GetStringAsync($"{membersPath}/{member}/balances")));
            Assert.Equal(seen[0], seen[1]);
        }

        output.WriteLine($"done at {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static async Task<Guid> CreatedIdAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>A purchase or a redemption with its own external id and Idempotency-Key, and what came of it.</summary>
    private sealed class Operation
    {
        private Operation(string kind, string externalId, Guid member, string path, object body)
        {
            Kind = kind;
            ExternalId = externalId;
            Member = member;
            Path = path;
            Payload = body;
        }

        public string Kind { get; }

        public string ExternalId { get; }

        public Guid Member { get; }

        private string Path { get; }

        private object Payload { get; }

        private string IdempotencyKey { get; } = Guid.NewGuid().ToString();

        /// <summary>Null while no answer came (the node died with the request in flight).</summary>
        public HttpStatusCode? Status { get; private set; }

        public string? Body { get; private set; }

        public bool Retried { get; private set; }

        public static Operation Random(string program, Guid member, Guid reward, string id, bool redemption) => redemption
            ? new("redemption", $"r-{id}", member, $"/api/rewards/programs/{program}/members/{member}/redemptions", new { rewardId = reward, externalId = $"r-{id}" })
            : new("purchase", $"t-{id}", member, $"/api/members/programs/{program}/transactions",
                new { externalId = $"t-{id}", memberId = member, occurredAt = DateTimeOffset.UtcNow, currency = "EUR", total = 1000 + (id.Length * 100), channel = "pos" });

        public async Task SendAsync(HttpClient client)
        {
            Retried |= Status is null && Body is not null;
            using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = JsonContent.Create(Payload) };
            request.Headers.Add("Idempotency-Key", IdempotencyKey);
            try
            {
                using var response = await client.SendAsync(request);
                Body = await response.Content.ReadAsStringAsync();
                Status = response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Body = e.Message;
            }
        }
    }
}
