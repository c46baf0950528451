using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Loyalty.Benchmarks;

/// <summary>Throughput and latency of one load run, and what went wrong in it.</summary>
public sealed record LoadResult(string Name, int Clients, double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Duplicates, long Errors)
{
    /// <summary>CPU milliseconds the host spent per request in this run (0 when not measured).</summary>
    public double HostCpuMs { get; init; }

    /// <summary>CPU milliseconds PostgreSQL's processes spent per request in this run (0 on SQLite, where it is the host's).</summary>
    public double DatabaseCpuMs { get; init; }
}

/// <summary>
/// POSTs purchases with an Idempotency-Key, as a till or shop does. A share of the requests repeat one sent before
/// (a till retrying after a timeout): those must answer the first transaction, and credit nothing. With clients of
/// several nodes, the requests take turns between them, as behind a round-robin load balancer, and a repeat goes to
/// whichever node's turn it is.
/// </summary>
public sealed class AccrualLoad(IReadOnlyList<HttpClient> nodes, string program, int members, double duplicateShare, CpuMeter? cpu = null)
{
    private readonly List<SentPurchase> _sent = [];
    private long _turn;
    private long _recorded;
    private long _wrongReplays;

    /// <summary>Purchases the host recorded as new (201 on their first sending).</summary>
    public long Recorded => Interlocked.Read(ref _recorded);

    /// <summary>Repeats answered with another transaction than the first: each would be a double credit.</summary>
    public long WrongReplays => Interlocked.Read(ref _wrongReplays);

    /// <summary>Each of <paramref name="clients"/> sends its next request when the previous one is answered.</summary>
    public async Task<LoadResult> ClosedLoopAsync(string name, int clients, TimeSpan duration)
    {
        var latencies = new Latencies();
        long duplicates = 0, errors = 0;
        var cpuBefore = cpu?.Read();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                var (duplicate, ok) = await SendAsync();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Interlocked.Add(ref duplicates, duplicate ? 1 : 0);
                Interlocked.Add(ref errors, ok ? 0 : 1);
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        return WithCpu(new LoadResult(name, clients, latencies.Count / seconds, latencies.Percentile(50), latencies.Percentile(99), latencies.Count, duplicates, errors), cpuBefore);
    }

    /// <summary>
    /// Requests arrive at a fixed <paramref name="rate"/>, whatever the answers take; a latency counts from when the
    /// request was due, so a stalled host shows in the percentiles instead of slowing the senders down.
    /// </summary>
    public async Task<LoadResult> OpenLoopAsync(string name, double rate, int senders, TimeSpan duration)
    {
        var latencies = new Latencies();
        long duplicates = 0, errors = 0, next = -1;
        var total = (long)(rate * duration.TotalSeconds);
        var cpuBefore = cpu?.Read();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, senders).Select(_ => Task.Run(async () =>
        {
            for (var k = Interlocked.Increment(ref next); k < total; k = Interlocked.Increment(ref next))
            {
                var due = TimeSpan.FromSeconds(k / rate);
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                var (duplicate, ok) = await SendAsync();
                latencies.Add((clock.Elapsed - due).TotalMilliseconds);
                Interlocked.Add(ref duplicates, duplicate ? 1 : 0);
                Interlocked.Add(ref errors, ok ? 0 : 1);
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        return WithCpu(new LoadResult(name, senders, latencies.Count / seconds, latencies.Percentile(50), latencies.Percentile(99), latencies.Count, duplicates, errors), cpuBefore);
    }

    private LoadResult WithCpu(LoadResult result, CpuMeter.Reading? before)
    {
        if (cpu is null || before is not { } start || result.Requests == 0)
        {
            return result;
        }

        var end = cpu.Read();
        return result with
        {
            HostCpuMs = (end.Host - start.Host).TotalMilliseconds / result.Requests,
            DatabaseCpuMs = (end.Database - start.Database).TotalMilliseconds / result.Requests,
        };
    }

    private async Task<(bool Duplicate, bool Ok)> SendAsync()
    {
        SentPurchase? repeat = null;
        if (Random.Shared.NextDouble() < duplicateShare)
        {
            lock (_sent)
            {
                repeat = _sent.Count == 0 ? null : _sent[Random.Shared.Next(_sent.Count)];
            }
        }

        var (key, body) = repeat is null ? NewPurchase() : (repeat.Key, repeat.Body);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/members/programs/{program}/transactions")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", key);
        try
        {
            using var response = await nodes[(int)(Interlocked.Increment(ref _turn) % nodes.Count)].SendAsync(request);
            var answer = await response.Content.ReadAsStringAsync();
            if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
            {
                return (repeat is not null, false);
            }

            var id = JsonDocument.Parse(answer).RootElement.GetProperty("id").GetGuid();
            if (repeat is null)
            {
                Interlocked.Increment(ref _recorded);
                lock (_sent)
                {
                    _sent.Add(new SentPurchase(key, body, id));
                }
            }
            else if (id != repeat.TransactionId)
            {
                Interlocked.Increment(ref _wrongReplays);
            }

            return (repeat is not null, true);
        }
        catch (HttpRequestException)
        {
            return (repeat is not null, false);
        }
    }

    private (string Key, string Body) NewPurchase()
    {
        var externalId = $"b-{Guid.NewGuid():N}";
        var member = Random.Shared.Next(1, members + 1);
        var first = Random.Shared.Next(100, 50_000);
        var second = Random.Shared.Next(100, 50_000);
        var occurredAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var body = $$"""
            {"externalId":"{{externalId}}","type":"purchase","memberExternalId":"m{{member}}","occurredAt":"{{occurredAt}}","channel":"pos","store":"s1","currency":"EUR","total":{{first + second}},"lines":[{"sku":"latte","category":"coffee","quantity":1,"unitPrice":{{first}}},{"sku":"cake","category":"bakery","quantity":1,"unitPrice":{{second}}}]}
            """;
        return (externalId, body);
    }

    private sealed record SentPurchase(string Key, string Body, Guid TransactionId);
}
