using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Loyalty.Benchmarks;

/// <summary>Runs Debian's pgbench with our scripts against the benchmark's database and reads its throughput.</summary>
public static partial class PgBench
{
    public static async Task<double> RunAsync(
        BenchDatabase database, int clients, TimeSpan duration, IReadOnlyDictionary<string, string> variables, params (string Path, int Weight)[] scripts)
    {
        var server = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var start = new ProcessStartInfo("pgbench") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            "-h", server.Host!, "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-U", server.Username!,
            // The host prepares what it repeats (Npgsql's auto-prepare, on by default), so pgbench prepares too.
            "-n", "-M", server.MaxAutoPrepare > 0 || !database.ConnectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase) ? "prepared" : "extended",
            "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2",
            "-T", ((int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in variables)
        {
            start.ArgumentList.Add("-D");
            start.ArgumentList.Add($"{name}={value}");
        }

        foreach (var (path, weight) in scripts)
        {
            start.ArgumentList.Add("-f");
            start.ArgumentList.Add($"{path}@{weight}");
        }

        start.ArgumentList.Add(database.Name);
        start.Environment["PGPASSWORD"] = server.Password;
        // The anchor talks to the server the way the host does: with TLS or without it, as the connection string says.
        start.Environment["PGSSLMODE"] = server.SslMode switch
        {
            SslMode.Disable => "disable",
            SslMode.Allow => "allow",
            SslMode.Prefer => "prefer",
            SslMode.Require => "require",
            SslMode.VerifyCA => "verify-ca",
            _ => "verify-full",
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("pgbench did not start; install Debian's postgresql-client.");
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var tps = Tps().Match(output);
        if (process.ExitCode != 0 || !tps.Success)
        {
            throw new InvalidOperationException($"pgbench failed ({process.ExitCode}): {errors}{output}");
        }

        return double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();
}
