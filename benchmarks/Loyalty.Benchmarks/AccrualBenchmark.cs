using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Loyalty.Benchmarks;

/// <summary>
/// Issue target 2: sustained online accrual over HTTP on loopback (POST transaction with Idempotency-Key, 10 %
/// repeats) at 16 and 64 clients, against the same SQL run by pgbench (PostgreSQL) or by plain ADO.NET (SQLite) with
/// the same client count; then the latency at half of the highest rate, and a count of double credits. With
/// <c>--rules 50</c> the program has the 50 earning rules of Rules/fifty-rules.json active (issue 4: the targets hold
/// with them), the same set tests/Loyalty.Host.Tests' FiftyRulesTests checks.
/// </summary>
public static class AccrualBenchmark
{
    public const string Program = "bench";

    public static async Task<string> RunAsync(string hostDll, string provider, int members, TimeSpan duration, TimeSpan warmUp, int[] clientCounts, int rules)
    {
        if (rules is not (0 or 50))
        {
            throw new ArgumentException("--rules is 0 (the base rate alone) or 50 (Rules/fifty-rules.json).");
        }

        await using var database = await BenchDatabase.CreateAsync(provider);
        var results = new List<LoadResult>();
        LoadResult atHalf;
        AccrualLoad load;
        long peakMiB, seeded;
        await using (var host = await HostProcess.StartAsync(hostDll, database))
        {
            using var client = await host.ApiKeyClientAsync(clientCounts.Max() + 8, "Admin", "Integrator");
            seeded = await SetUpAsync(client, members, rules);
            load = new AccrualLoad([client], Program, members, duplicateShare: 0.1, new CpuMeter(host.ProcessId));
            // Long enough for the runtime's tiered compilation to finish optimising the request path, as on a host that has run for a while.
            await load.ClosedLoopAsync("warm-up", 16, warmUp);
            foreach (var clients in clientCounts)
            {
                results.Add(await load.ClosedLoopAsync($"closed loop, {clients} clients", clients, duration));
                Console.Error.WriteLine($"  {results[^1]}");
            }

            var half = results.Max(r => r.RequestsPerSecond) / 2;
            atHalf = await load.OpenLoopAsync($"open loop at half the highest rate ({half:F0}/s)", half, 64, duration);
            Console.Error.WriteLine($"  {atHalf}");
            peakMiB = host.PeakMemoryMiB();
        }

        var (accruals, doubled) = await CountAccrualsAsync(database);

        var anchors = new List<double>();
        foreach (var clients in clientCounts)
        {
            anchors.Add(await AnchorAsync(database, members, clients, duration));
            Console.Error.WriteLine($"  anchor, {clients} clients: {anchors[^1]:F0}/s");
        }

        var report = new StringBuilder();
        report.AppendLine(FormattableString.Invariant(
            $"### Online accrual over HTTP, {provider} ({members:N0} members, {duration.TotalSeconds:F0} s per run, 10 % repeated requests{(rules > 0 ? $", {rules} earning rules active" : "")})"));
        report.AppendLine();
        report.AppendLine("| run | requests/s | p50 ms | p99 ms | anchor/s | ratio to anchor | errors | host CPU ms/request | database CPU ms/request |");
        report.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            report.AppendLine(FormattableString.Invariant($"| {r.Name} | {r.RequestsPerSecond:F0} | {r.P50Ms:F1} | {r.P99Ms:F1} | {anchors[i]:F0} | {r.RequestsPerSecond / anchors[i]:F2} | {r.Errors} | {r.HostCpuMs:F2} | {r.DatabaseCpuMs:F2} |"));
        }

        report.AppendLine(FormattableString.Invariant($"| {atHalf.Name} | {atHalf.RequestsPerSecond:F0} | {atHalf.P50Ms:F1} | {atHalf.P99Ms:F1} | | | {atHalf.Errors} | {atHalf.HostCpuMs:F2} | {atHalf.DatabaseCpuMs:F2} |"));
        report.AppendLine();
        report.AppendLine(FormattableString.Invariant(
            $"Purchases recorded: {seeded + load.Recorded:N0}; accruals in the ledger: {accruals:N0}; references credited twice: {doubled}; repeats answered with another transaction: {load.WrongReplays}. Host peak memory: {peakMiB} MiB."));
        return report.ToString();
    }

    /// <summary>
    /// The same load against one node, then against <paramref name="nodes"/> host processes on the same PostgreSQL
    /// database, the requests taking turns between them (issue 11). Each configuration warms up, runs closed loops at
    /// each client count, and an open loop at half the one node's highest rate, so the latencies compare at equal load.
    /// The other nodes start only after the one-node runs, so that they take no CPU from them.
    /// </summary>
    public static async Task<string> RunNodesAsync(string hostDll, int nodes, int members, TimeSpan duration, TimeSpan warmUp, int[] clientCounts)
    {
        await using var database = await BenchDatabase.CreateAsync("Postgres");
        var hosts = new List<HostProcess>();
        try
        {
            hosts.Add(await HostProcess.StartAsync(hostDll, database));
            var connections = clientCounts.Max() + 8;
            var key = await hosts[0].CreateApiKeyAsync("Admin", "Integrator");
            var clients = new List<HttpClient> { hosts[0].Client(key, connections) };
            var seeded = await SetUpAsync(clients[0], members, rules: 0);
            var one = new AccrualLoad(clients, Program, members, duplicateShare: 0.1, new CpuMeter(hosts[0].ProcessId));
            var oneNode = await ClosedLoopsAsync(one, "1 node", clientCounts, duration, warmUp);
            var rate = oneNode.Max(r => r.RequestsPerSecond) / 2;
            oneNode.Add(await OpenLoopAsync(one, "1 node", rate, duration));

            for (var i = 1; i < nodes; i++)
            {
                hosts.Add(await HostProcess.StartAsync(hostDll, database));
                clients.Add(hosts[i].Client(key, connections));
            }

            var several = new AccrualLoad(clients, Program, members, duplicateShare: 0.1, new CpuMeter([.. hosts.Select(h => h.ProcessId)]));
            var severalNodes = await ClosedLoopsAsync(several, $"{nodes} nodes", clientCounts, duration, warmUp);
            severalNodes.Add(await OpenLoopAsync(several, $"{nodes} nodes", rate, duration));
            var (accruals, doubled) = await CountAccrualsAsync(database);

            var report = new StringBuilder();
            report.AppendLine(FormattableString.Invariant(
                $"### Online accrual over HTTP, 1 node and {nodes} nodes on one PostgreSQL ({members:N0} members, {duration.TotalSeconds:F0} s per run, 10 % repeated requests)"));
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"| run | requests/s | p50 ms | p99 ms | errors | host CPU ms/request (all nodes) | database CPU ms/request | requests/s, {nodes} nodes / 1 node |");
            report.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            for (var i = 0; i < oneNode.Count; i++)
            {
                foreach (var r in new[] { oneNode[i], severalNodes[i] })
                {
                    var ratio = r == severalNodes[i] ? FormattableString.Invariant($"{severalNodes[i].RequestsPerSecond / oneNode[i].RequestsPerSecond:F2}") : "";
                    report.AppendLine(FormattableString.Invariant($"| {r.Name} | {r.RequestsPerSecond:F0} | {r.P50Ms:F1} | {r.P99Ms:F1} | {r.Errors} | {r.HostCpuMs:F2} | {r.DatabaseCpuMs:F2} | {ratio} |"));
                }
            }

            report.AppendLine();
            report.AppendLine(FormattableString.Invariant(
                $"Purchases recorded: {seeded + one.Recorded + several.Recorded:N0}; accruals in the ledger: {accruals:N0}; references credited twice: {doubled}; repeats answered with another transaction: {one.WrongReplays + several.WrongReplays}. Host peak memory: {string.Join(", ", hosts.Select(h => $"{h.PeakMemoryMiB()} MiB"))}."));
            return report.ToString();
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    /// <summary>A warm-up, then a closed loop at each client count.</summary>
    private static async Task<List<LoadResult>> ClosedLoopsAsync(AccrualLoad load, string name, int[] clientCounts, TimeSpan duration, TimeSpan warmUp)
    {
        await load.ClosedLoopAsync("warm-up", 16, warmUp);
        var results = new List<LoadResult>();
        foreach (var clients in clientCounts)
        {
            results.Add(await load.ClosedLoopAsync($"{name}, closed loop, {clients} clients", clients, duration));
            Console.Error.WriteLine($"  {results[^1]}");
        }

        return results;
    }

    private static async Task<LoadResult> OpenLoopAsync(AccrualLoad load, string name, double rate, TimeSpan duration)
    {
        var result = await load.OpenLoopAsync($"{name}, open loop at {rate:F0}/s", rate, 64, duration);
        Console.Error.WriteLine($"  {result}");
        return result;
    }

    /// <summary>Every purchase answered 201 has exactly one accrual in the points ledger, and no reference has two.</summary>
    private static async Task<(long Accruals, long Doubled)> CountAccrualsAsync(BenchDatabase database)
    {
        var entries = database.Table("members", "LedgerEntries");
        var accounts = database.Table("members", "PointsAccounts");
        var accruals = await database.ScalarAsync(
            $"SELECT COUNT(*) FROM {entries} e JOIN {accounts} a ON a.\"Id\" = e.\"AccountId\" WHERE a.\"Currency\" = 'points' AND e.\"Type\" = 'Accrual' AND e.\"ReferenceType\" = 'transaction'");
        var doubled = await database.ScalarAsync(
            $"SELECT COUNT(*) FROM (SELECT e.\"ReferenceId\" FROM {entries} e JOIN {accounts} a ON a.\"Id\" = e.\"AccountId\" WHERE a.\"Currency\" = 'points' AND e.\"ReferenceType\" = 'transaction' GROUP BY e.\"ReferenceId\" HAVING COUNT(*) > 1) d");
        return (accruals, doubled);
    }

    /// <summary>Creates the program, its active rules and its members, with one purchase each; returns how many purchases that recorded.</summary>
    private static async Task<long> SetUpAsync(HttpClient client, int members, int rules)
    {
        (await client.PostAsJsonAsync("/api/members/programs", new { code = Program, name = "Benchmark", timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();
        if (rules > 0)
        {
            await SeedRulesAsync(client);
        }

        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i <= members; i = Interlocked.Increment(ref next))
            {
                var response = await client.PostAsJsonAsync($"/api/members/programs/{Program}/members", new { externalId = $"m{i}", firstName = "Bench", channel = "pos" });
                response.EnsureSuccessStatusCode();
            }
        })));

        // Purchases for random members open most points accounts first, as in a program that has run for a while.
        var seed = new AccrualLoad([client], Program, members, duplicateShare: 0);
        await seed.ClosedLoopAsync("accounts", 16, TimeSpan.FromSeconds(Math.Max(5, members / 400)));
        return seed.Recorded;
    }

    private static async Task SeedRulesAsync(HttpClient client)
    {
        var path = $"/api/campaigns/programs/{Program}/earning-rules";
        var definitions = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Rules", "fifty-rules.json")))!.AsArray();
        foreach (var definition in definitions)
        {
            var created = await client.PostAsJsonAsync(path, definition);
            created.EnsureSuccessStatusCode();
            var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
            (await client.PostAsync($"{path}/{id}/activate", null)).EnsureSuccessStatusCode();
        }
    }

    private static async Task<double> AnchorAsync(BenchDatabase database, int members, int clients, TimeSpan duration)
    {
        var idempotency = database.Table("members", "IdempotencyRecords");
        var programs = database.Table("members", "Programs");
        string caller, replayKey;
        object program;
        await using (var connection = database.Open())
        {
            caller = await ScalarTextAsync(connection, $"SELECT \"Caller\" FROM {idempotency} LIMIT 1");
            replayKey = await ScalarTextAsync(connection, $"SELECT \"Key\" FROM {idempotency} LIMIT 1");
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT \"Id\" FROM {programs} WHERE \"Code\" = '{Program}'";
            program = (await command.ExecuteScalarAsync())!;
        }

        var anchors = Path.Combine(AppContext.BaseDirectory, "Anchors");
        if (database.IsPostgres)
        {
            var variables = new Dictionary<string, string> { ["members"] = $"{members}", ["caller"] = caller, ["replaykey"] = replayKey, ["prog"] = $"{program}" };
            return await PgBench.RunAsync(database, clients, duration, variables,
                (Path.Combine(anchors, "accrual.pgbench.sql"), 9), (Path.Combine(anchors, "replay.pgbench.sql"), 1));
        }

        var constants = new Dictionary<string, object> { ["members"] = (long)members, ["caller"] = caller, ["replaykey"] = replayKey, ["prog"] = program };
        return await new SqliteScriptAnchor(database.ConnectionString + ";Default Timeout=60", constants)
            .Add(Path.Combine(anchors, "accrual.sqlite.sql"), 9)
            .Add(Path.Combine(anchors, "replay.sqlite.sql"), 1)
            .RunAsync(clients, duration);
    }

    private static async Task<string> ScalarTextAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
