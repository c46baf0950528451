using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;

namespace Loyalty.Benchmarks;

/// <summary>
/// Issue 5's targets: generating a batch of 100,000 unique voucher codes (one request, timed by the client), then
/// validate + redeem over HTTP on loopback at a steady rate (an open loop: requests are sent on schedule whether or
/// not earlier ones have answered), each pair on a fresh code of the batch.
/// </summary>
public static class VoucherBenchmark
{
    public const string Program = "bench";

    public static async Task<string> RunAsync(string hostDll, string provider, int codes, double requestsPerSecond, TimeSpan duration)
    {
        await using var database = await BenchDatabase.CreateAsync(provider);
        await using var host = await HostProcess.StartAsync(hostDll, database);
        using var client = await host.ApiKeyClientAsync(256, "Admin", "Integrator");
        (await client.PostAsJsonAsync("/api/members/programs", new { code = Program, name = "Benchmark", timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();

        var generation = Stopwatch.StartNew();
        var created = await client.PostAsJsonAsync($"/api/rewards/programs/{Program}/vouchers/batches", new
        {
            code = "bench-batch",
            count = codes,
            kind = "discountVoucher",
            percent = 10,
            codeFormat = new { prefix = "BENCH-", length = 13, checkCharacter = true, hashOnly = true },
        });
        created.EnsureSuccessStatusCode();
        var batch = (await created.Content.ReadFromJsonAsync<Batch>())!;
        generation.Stop();
        Console.Error.WriteLine($"  {codes:N0} codes in {generation.Elapsed.TotalSeconds:F2} s");

        // A short warm-up on codes the measured run does not use.
        var warmUp = await RunPairsAsync(client, batch.Codes[^200..], requestsPerSecond, TimeSpan.FromSeconds(2));
        var pairs = (int)(requestsPerSecond / 2 * duration.TotalSeconds);
        var run = await RunPairsAsync(client, batch.Codes[..pairs], requestsPerSecond, duration);
        Console.Error.WriteLine($"  warm-up errors: {warmUp.Errors}");

        var report = new StringBuilder();
        report.AppendLine(FormattableString.Invariant($"### Vouchers, {provider}"));
        report.AppendLine();
        report.AppendLine(FormattableString.Invariant($"Generating {codes:N0} hash-only codes (one `POST …/vouchers/batches`, answer with all codes included): {generation.Elapsed.TotalSeconds:F2} s. Distinct codes: {batch.Codes.Distinct().Count():N0}."));
        report.AppendLine();
        report.AppendLine("| requests | rate/s | p50 ms | p99 ms | max ms | errors |");
        report.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        report.AppendLine(FormattableString.Invariant($"| validate | {run.Rate / 2:F0} | {run.Validate.Percentile(50):F1} | {run.Validate.Percentile(99):F1} | {run.Validate.Percentile(100):F1} | |"));
        report.AppendLine(FormattableString.Invariant($"| redeem | {run.Rate / 2:F0} | {run.Redeem.Percentile(50):F1} | {run.Redeem.Percentile(99):F1} | {run.Redeem.Percentile(100):F1} | |"));
        report.AppendLine(FormattableString.Invariant($"| both | {run.Rate:F0} | {run.All.Percentile(50):F1} | {run.All.Percentile(99):F1} | {run.All.Percentile(100):F1} | {run.Errors} |"));
        report.AppendLine();
        report.AppendLine(FormattableString.Invariant($"{duration.TotalSeconds:F0} s at {requestsPerSecond:F0} requests/s. Latency is counted from when a request was due, so a late start counts. Host peak memory: {host.PeakMemoryMiB()} MiB."));
        return report.ToString();
    }

    private static async Task<PairRun> RunPairsAsync(HttpClient client, string[] codes, double requestsPerSecond, TimeSpan duration)
    {
        var run = new PairRun();
        var pairRate = requestsPerSecond / 2;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(codes.Select(async (code, k) =>
        {
            var due = TimeSpan.FromSeconds(k / pairRate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var validate = await client.PostAsJsonAsync($"/api/rewards/programs/{Program}/vouchers/validate", new { code, basketTotal = 2500 });
            var validated = clock.Elapsed;
            run.Validate.Add((validated - due).TotalMilliseconds);
            var redeem = await client.PostAsJsonAsync($"/api/rewards/programs/{Program}/vouchers/redeem", new { code, basketTotal = 2500, externalId = $"till-{k}" });
            run.Redeem.Add((clock.Elapsed - validated).TotalMilliseconds);
            run.All.Add((validated - due).TotalMilliseconds);
            run.All.Add((clock.Elapsed - validated).TotalMilliseconds);
            if (!validate.IsSuccessStatusCode || !redeem.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref run.Errors);
            }
        }));
        run.Rate = codes.Length * 2 / Math.Max(duration.TotalSeconds, clock.Elapsed.TotalSeconds);
        return run;
    }

    private sealed class PairRun
    {
        public readonly Latencies Validate = new();
        public readonly Latencies Redeem = new();
        public readonly Latencies All = new();
        public long Errors;
        public double Rate;
    }

    private sealed record Batch(string[] Codes);
}
