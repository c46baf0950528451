using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace Loyalty.Host.Tests.Cluster;

/// <summary>
/// A host process under a load of accruals while its PostgreSQL is stopped and started again, twice: once shut down
/// fast (sessions terminated), once immediately (as by a crash, with WAL recovery at the start).
/// </summary>
public sealed class PostgresRestartTests(ITestOutputHelper output)
{
    private const int Members = 6;
    private const int Clients = 4;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(4);

    [RestartablePostgresFact]
    public async Task PostgreSQL_restarted_under_load_gets_503_problems_meanwhile_and_the_same_host_process_then_applies_each_retried_accrual_exactly_once()
    {
        var server = Required(RestartablePostgresFactAttribute.ConnectionVariable);
        var postgres = Required(RestartablePostgresFactAttribute.ClusterVariable).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(postgres.Length == 2, $"{RestartablePostgresFactAttribute.ClusterVariable} must be a version and a cluster name, such as \"15 faults\".");
        var clock = Stopwatch.StartNew();
        await using var cluster = await HostCluster.StartAsync(1, new Dictionary<string, string>
        {
            // A request whose answer was not stored when the database went leaves its key in progress; a retry takes
            // it over after this (5 minutes by default).
            ["Idempotency__InProgressTimeout"] = "00:00:05",
            ["Outbox__ClaimDuration"] = "00:00:10",
        }, server);
        var node = cluster.Nodes[0];
        var processId = node.ProcessId;
        using var admin = node.Client(cluster.AdminKey);
        using var pos = node.Client(cluster.IntegratorKey);
        var program = $"f{Guid.NewGuid():N}"[..12];
        (await admin.PostAsJsonAsync("/api/members/programs", new { code = program, name = "Faults", timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();
        var members = new List<Guid>();
        for (var i = 0; i < Members; i++)
        {
            var response = await pos.PostAsJsonAsync($"/api/members/programs/{program}/members", new { externalId = $"fault-{i}", channel = "web" });
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {body}");
            members.Add(JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid());
        }

        // Readiness as a load balancer sees it, every 200 ms, with the time of each answer.
        var health = new ConcurrentQueue<(TimeSpan At, HttpStatusCode? Status, string Body)>();
        using var stop = new CancellationTokenSource();
        var probe = Task.Run(async () =>
        {
            using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                    health.Enqueue((clock.Elapsed, ready.StatusCode, await ready.Content.ReadAsStringAsync()));
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    health.Enqueue((clock.Elapsed, null, e.Message));
                }

                await Task.Delay(200);
            }
        });

        // Purchases from a few tills, each with its own external id and Idempotency-Key, all the time.
        var accruals = new ConcurrentBag<Accrual>();
        var answers = new ConcurrentQueue<Answer>();
        var load = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var accrual = new Accrual(program, members[(client + i) % Members], $"t-{client}-{i}");
                accruals.Add(accrual);
                var answer = await accrual.SendAsync(pos, clock);
                answers.Enqueue(answer);
                // A till that got a 503 pauses before its next sale rather than hammering the host.
                await Task.Delay(answer.Status == HttpStatusCode.ServiceUnavailable ? 250 : 10);
            }
        })).ToArray();

        var outages = new List<(string Mode, TimeSpan From, TimeSpan To)>();
        foreach (var mode in new[] { "fast", "immediate" })
        {
            var since = outages.Count > 0 ? outages[^1].To : TimeSpan.Zero;
            await WaitForAsync(() => answers.Count(a => a.Status == HttpStatusCode.Created && a.At > since) >= 50 && health.Any(h => h.At > since && h.Status == HttpStatusCode.OK),
                TimeSpan.FromSeconds(60), $"50 accruals and a ready probe before the {mode} stop");
            var from = clock.Elapsed;
            await PgCtlClusterAsync(postgres, "stop", "-m", mode);
            try
            {
                await Task.Delay(Outage);
            }
            finally
            {
                await PgCtlClusterAsync(postgres, "start");
            }

            var to = clock.Elapsed;
            outages.Add((mode, from, to));
            output.WriteLine($"stopped ({mode}) at {from.TotalSeconds:F1} s, started at {to.TotalSeconds:F1} s");
        }

        // The host serves again without a restart of its own.
        await WaitForAsync(() => answers.Count(a => a.Status == HttpStatusCode.Created && a.At > outages[^1].To) >= 50,
            TimeSpan.FromSeconds(60), "50 accruals after the last start");
        await WaitForAsync(() => health.Any(h => h.At > outages[^1].To && h.Status == HttpStatusCode.OK), TimeSpan.FromSeconds(30), "ready after the last start");
        await stop.CancelAsync();
        await Task.WhenAll(load.Append(probe));
        Assert.Equal((processId, 1), (node.ProcessId, node.Starts));

        var all = answers.ToList();
        var byStatus = all.GroupBy(a => a.Status?.ToString() ?? "no answer").Select(g => $"{g.Key}: {g.Count()}");
        output.WriteLine($"{all.Count} requests during the load: {string.Join(", ", byStatus)}");
        // During the outages the host answers, and every failure is a 503 problem with Retry-After: no 500, no hang.
        Assert.All(all, a => Assert.True(
            a.Status == HttpStatusCode.Created
                || (a.Status == HttpStatusCode.ServiceUnavailable && a.ContentType == "application/problem+json" && a.RetryAfter is not null
                    && JsonDocument.Parse(a.Body).RootElement.GetProperty("status").GetInt32() == 503),
            $"{a.ExternalId} at {a.At.TotalSeconds:F1} s: {a.Status} {a.ContentType} {a.Body}"));
        for (var i = 0; i < outages.Count; i++)
        {
            var (mode, from, to) = outages[i];
            // An outage's answers: from its stop to the next outage's stop.
            var end = i + 1 < outages.Count ? outages[i + 1].From : TimeSpan.MaxValue;
            var unavailable = all.Count(a => a.Status == HttpStatusCode.ServiceUnavailable && a.At >= from && a.At < end);
            Assert.True(unavailable > 0, $"No request was answered 503 while PostgreSQL was down ({mode}).");
            // Readiness reports the database unhealthy during the outage, and healthy again after it.
            Assert.Contains(health, h => h.At > from && h.At < to && h.Status == HttpStatusCode.ServiceUnavailable && h.Body == "Unhealthy");
            Assert.Contains(health, h => h.At > to && h.At < end && h.Status == HttpStatusCode.OK && h.Body == "Healthy");
            output.WriteLine($"{mode}: {unavailable} answered 503; "
                + $"first accrual after the start {(all.Where(a => a.Status == HttpStatusCode.Created && a.At > to).Min(a => a.At) - to).TotalSeconds:F1} s after it");
        }

        // Every request that failed is sent again, with its key and body, until it is answered; 409 while a claim left
        // in progress by the outage has not timed out.
        var failed = accruals.Where(a => a.LastStatus != HttpStatusCode.Created).ToList();
        foreach (var accrual in failed)
        {
            for (var wait = Stopwatch.StartNew(); ; await Task.Delay(500))
            {
                var retry = await accrual.SendAsync(pos, clock);
                var replayed = retry.Status is HttpStatusCode.Created or HttpStatusCode.OK;
                if (replayed || wait.Elapsed > TimeSpan.FromSeconds(30))
                {
                    Assert.True(replayed, $"{accrual.ExternalId} sent again: {retry.Status} {retry.Body}");
                    break;
                }
            }
        }

        output.WriteLine($"{failed.Count} failed accruals sent again, all accepted, at {clock.Elapsed.TotalSeconds:F1} s");

        // Each accrual exactly once, with its ledger entries (one per account of the member) and nothing half-written.
        var sent = accruals.Select(a => a.ExternalId).ToHashSet();
        var stored = await cluster.RowsAsync("SELECT \"ExternalId\", COUNT(*) FROM members.\"Transactions\" GROUP BY \"ExternalId\"");
        Assert.Equal(sent.Order(), stored.Select(r => r[0]!).Order());
        Assert.All(stored, r => Assert.Equal("1", r[1]));
        Assert.Equal(2 * sent.Count, await cluster.ScalarAsync("SELECT COUNT(*) FROM members.\"LedgerEntries\" WHERE \"Type\" = 'Accrual'"));
        Assert.Equal(0, await cluster.ScalarAsync(
            "SELECT COUNT(*) FROM (SELECT 1 FROM members.\"LedgerEntries\" GROUP BY \"AccountId\", \"Type\", \"ReferenceId\" HAVING COUNT(*) > 1) d"));
        Assert.Equal("[]", await admin.GetStringAsync($"/api/members/programs/{program}/ledger-check"));
        // The outbox dispatcher came back too: every PointsAccrued of the load is delivered.
        await cluster.WaitForOutboxesAsync("after the restarts");
        output.WriteLine($"{sent.Count} accruals, each once; done at {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set; CI must set it (.ci/run creates the cluster).");

    private static async Task PgCtlClusterAsync(string[] cluster, params string[] action)
    {
        var start = new ProcessStartInfo("pg_ctlcluster") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in cluster.Concat(action))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"pg_ctlcluster {string.Join(' ', start.ArgumentList)}: exit {process.ExitCode} {await errors}");
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan limit, string what)
    {
        for (var wait = Stopwatch.StartNew(); !condition(); await Task.Delay(100))
        {
            Assert.True(wait.Elapsed < limit, $"Not reached after {limit}: {what}.");
        }
    }

    private sealed record Answer(string ExternalId, TimeSpan At, HttpStatusCode? Status, string? ContentType, string? RetryAfter, string Body);

    /// <summary>A purchase with its own external id and Idempotency-Key, sent again as it was when it failed.</summary>
    private sealed class Accrual(string program, Guid member, string externalId)
    {
        private readonly string _key = Guid.NewGuid().ToString();
        private readonly object _body = new { externalId, memberId = member, occurredAt = DateTimeOffset.UtcNow, currency = "EUR", total = 2500, channel = "pos" };

        public string ExternalId => externalId;

        public HttpStatusCode? LastStatus { get; private set; }

        public async Task<Answer> SendAsync(HttpClient client, Stopwatch clock)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/members/programs/{program}/transactions") { Content = JsonContent.Create(_body) };
            request.Headers.Add("Idempotency-Key", _key);
            try
            {
                using var response = await client.SendAsync(request);
                LastStatus = response.StatusCode;
                return new Answer(externalId, clock.Elapsed, response.StatusCode, response.Content.Headers.ContentType?.MediaType,
                    response.Headers.RetryAfter?.ToString(), await response.Content.ReadAsStringAsync());
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                LastStatus = null;
                return new Answer(externalId, clock.Elapsed, null, null, null, e.Message);
            }
        }
    }
}
