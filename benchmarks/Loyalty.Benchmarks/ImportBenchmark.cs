using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Loyalty.Benchmarks;

/// <summary>
/// Issue target 1: bulk import of purchase transactions for many members through the real accrual path (the host's
/// <c>import</c> verb), against the same rows inserted by hand-written SQL: binary COPY plus one set-based
/// INSERT … SELECT on PostgreSQL, one transaction with a reused prepared INSERT on SQLite. Then the idempotent re-run,
/// and the import's peak memory at two file sizes.
/// </summary>
public static class ImportBenchmark
{
    internal const string Program = "bench";

    public static async Task<string> RunAsync(string hostDll, string provider, int members, int transactions)
    {
        var folder = Directory.CreateTempSubdirectory("loyalty-import-bench-");
        try
        {
            var membersFile = Path.Combine(folder.FullName, "members.csv");
            await WriteMembersAsync(membersFile, members);
            var half = Path.Combine(folder.FullName, "transactions-half.ndjson");
            var full = Path.Combine(folder.FullName, "transactions.ndjson");
            await WriteTransactionsAsync(half, members, transactions / 2, "h");
            await WriteTransactionsAsync(full, members, transactions, "t");
            var again = Path.Combine(folder.FullName, "transactions-again.ndjson");
            // The same rows in another file (another hash): every one must be found already there.
            await File.WriteAllTextAsync(again, "\n" + await File.ReadAllTextAsync(full));

            await using var database = await BenchDatabase.CreateAsync(provider);
            await using (var host = await HostProcess.StartAsync(hostDll, database))
            {
                using var client = await host.ApiKeyClientAsync(4, "Admin");
                (await client.PostAsJsonAsync("/api/members/programs", new { code = Program, name = "Benchmark", timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();
            }

            var enrol = await ImportAsync(hostDll, database, "members", membersFile);
            var small = await ImportAsync(hostDll, database, "transactions", half);
            var first = await ImportAsync(hostDll, database, "transactions", full);
            var rerun = await ImportAsync(hostDll, database, "transactions", full);
            var replay = await ImportAsync(hostDll, database, "transactions", again);
            var accruals = await database.ScalarAsync(
                $"SELECT COUNT(*) FROM {database.Table("members", "LedgerEntries")} e JOIN {database.Table("members", "PointsAccounts")} a ON a.\"Id\" = e.\"AccountId\" " +
                "WHERE a.\"Currency\" = 'points' AND e.\"Type\" = 'Accrual' AND e.\"ReferenceType\" = 'transaction'");

            var anchor = database.IsPostgres ? await PostgresAnchorAsync(database, full) : await SqliteAnchorAsync(database, full);
            var rate = transactions / first.Elapsed.TotalSeconds;
            var anchorRate = transactions / anchor.TotalSeconds;

            var report = new StringBuilder();
            report.AppendLine(FormattableString.Invariant($"### Bulk import, {provider} ({transactions:N0} purchases with 2 lines each, for {members:N0} members)"));
            report.AppendLine();
            report.AppendLine("| run | time s | rows/s | ratio | peak memory MiB |");
            report.AppendLine("| --- | ---: | ---: | ---: | ---: |");
            report.AppendLine(FormattableString.Invariant($"| members ({members:N0} rows, enrolment path) | {enrol.Elapsed.TotalSeconds:F1} | {members / enrol.Elapsed.TotalSeconds:F0} | | {enrol.PeakMiB} |"));
            report.AppendLine(FormattableString.Invariant($"| transactions, half the file ({transactions / 2:N0} rows) | {small.Elapsed.TotalSeconds:F1} | {transactions / 2 / small.Elapsed.TotalSeconds:F0} | | {small.PeakMiB} |"));
            report.AppendLine(FormattableString.Invariant($"| **transactions, accrual path** | {first.Elapsed.TotalSeconds:F1} | {rate:F0} | **{rate / anchorRate:F2}** of the anchor | {first.PeakMiB} |"));
            report.AppendLine(FormattableString.Invariant($"| anchor: {(database.IsPostgres ? "binary COPY + INSERT … SELECT" : "one transaction, reused prepared INSERT")} | {anchor.TotalSeconds:F1} | {anchorRate:F0} | 1.00 | |"));
            report.AppendLine(FormattableString.Invariant($"| re-run of the same file (completed job recognised) | {rerun.Elapsed.TotalSeconds:F1} | | {rerun.Elapsed / first.Elapsed:F2} of the first run | {rerun.PeakMiB} |"));
            report.AppendLine(FormattableString.Invariant($"| the same rows in another file (each found already there) | {replay.Elapsed.TotalSeconds:F1} | {transactions / replay.Elapsed.TotalSeconds:F0} | {replay.Elapsed / first.Elapsed:F2} of the first run | {replay.PeakMiB} |"));
            report.AppendLine();
            report.AppendLine(FormattableString.Invariant(
                $"Accruals in the ledger: {accruals:N0} for {transactions / 2 + transactions:N0} purchases imported (both files), none twice. Peak memory: {small.PeakMiB} MiB for {transactions / 2:N0} rows, {first.PeakMiB} MiB for {transactions:N0}."));
            return report.ToString();
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    internal sealed record ImportRun(TimeSpan Elapsed, long PeakMiB);

    /// <summary>Runs the host's import verb as an operator would, and measures it from the outside.</summary>
    internal static async Task<ImportRun> ImportAsync(string hostDll, BenchDatabase database, string kind, string file)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { hostDll, "import", "--program", Program, "--kind", kind, "--file", file })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Database__Provider"] = database.Provider;
        start.Environment["Database__ConnectionString"] = database.ConnectionString;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!process.HasExited)
        {
            try
            {
                peak = Math.Max(peak, ProcStatus.PeakResidentMiB(process.Id));
            }
            catch (IOException)
            {
                // exited between the check and the read
            }

            await Task.Delay(50);
        }

        await process.WaitForExitAsync();
        var elapsed = clock.Elapsed;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"import {kind} failed ({process.ExitCode}): {await errors}{await output}");
        }

        var summary = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        Console.Error.WriteLine($"  import {kind} {Path.GetFileName(file)}: {elapsed.TotalSeconds:F1} s, {peak} MiB; {summary}");
        return new ImportRun(elapsed, peak);
    }

    internal static async Task WriteMembersAsync(string path, int members)
    {
        await using var writer = new StreamWriter(path);
        await writer.WriteLineAsync("externalId,firstName,channel");
        for (var i = 1; i <= members; i++)
        {
            await writer.WriteLineAsync($"m{i},Bench,import");
        }
    }

    /// <param name="evenly">Spread the purchases evenly over the 30 days up to now instead of one a second from 30 days ago.</param>
    internal static async Task WriteTransactionsAsync(string path, int members, int transactions, string prefix, bool evenly = false)
    {
        var random = new Random(42);
        var start = DateTimeOffset.UtcNow.AddDays(-30);
        await using var writer = new StreamWriter(path);
        for (var i = 1; i <= transactions; i++)
        {
            var first = random.Next(100, 50_000);
            var second = random.Next(100, 50_000);
            var at = (evenly ? start.AddDays(30.0 * i / (transactions + 1)) : start.AddSeconds(i % 2_000_000)).ToString("O", CultureInfo.InvariantCulture);
            await writer.WriteLineAsync(
                $$"""{"externalId":"{{prefix}}{{i}}","type":"purchase","memberExternalId":"m{{random.Next(1, members + 1)}}","occurredAt":"{{at}}","channel":"pos","store":"s1","currency":"EUR","total":{{first + second}},"lines":[{"sku":"latte","category":"coffee","quantity":1,"unitPrice":{{first}}},{"sku":"cake","category":"bakery","quantity":1,"unitPrice":{{second}}}]}""");
        }
    }

    private sealed record Row(string ExternalId, string Member, DateTimeOffset OccurredAt, long Total, long First, long Second);

    private static IEnumerable<Row> ReadRows(string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            using var json = System.Text.Json.JsonDocument.Parse(line);
            var root = json.RootElement;
            var lines = root.GetProperty("lines");
            yield return new Row(
                root.GetProperty("externalId").GetString()!, root.GetProperty("memberExternalId").GetString()!,
                root.GetProperty("occurredAt").GetDateTimeOffset(), root.GetProperty("total").GetInt64(),
                lines[0].GetProperty("unitPrice").GetInt64(), lines[1].GetProperty("unitPrice").GetInt64());
        }
    }

    /// <summary>The same rows into the same tables by hand: binary COPY into a staging table, one INSERT … SELECT.</summary>
    private static async Task<TimeSpan> PostgresAnchorAsync(BenchDatabase database, string file)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        var clock = Stopwatch.StartNew();
        await using (var create = new NpgsqlCommand(
            "CREATE TEMP TABLE staged (external_id text, member text, occurred_at timestamptz, total bigint, first bigint, second bigint)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync("COPY staged FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var row in ReadRows(file))
            {
                await copy.StartRowAsync();
                await copy.WriteAsync("a" + row.ExternalId, NpgsqlDbType.Text);
                await copy.WriteAsync(row.Member, NpgsqlDbType.Text);
                await copy.WriteAsync(row.OccurredAt, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(row.Total, NpgsqlDbType.Bigint);
                await copy.WriteAsync(row.First, NpgsqlDbType.Bigint);
                await copy.WriteAsync(row.Second, NpgsqlDbType.Bigint);
            }

            await copy.CompleteAsync();
        }

        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO members."Transactions" ("Id", "Channel", "Currency", "ExternalId", "LedgerEntryId", "MemberId", "OccurredAt", "OriginalExternalId", "Points", "ProgramId", "RecordedAt", "RequestHash", "Store", "TotalMinor", "Type")
            SELECT gen_random_uuid(), 'pos', 'EUR', s.external_id, NULL, i."MemberId", s.occurred_at, NULL, s.first / 100 + s.second / 100, i."ProgramId", now(), md5(s.external_id), 's1', s.total, 'Purchase'
            FROM staged s JOIN members."MemberIdentifiers" i ON i."Kind" = 'ExternalId' AND i."Value" = s.member
            """, connection) { CommandTimeout = 3600 })
        {
            await insert.ExecuteNonQueryAsync();
        }

        return clock.Elapsed;
    }

    /// <summary>The same rows into the same table by hand: one transaction, one prepared INSERT reused for every row.</summary>
    private static async Task<TimeSpan> SqliteAnchorAsync(BenchDatabase database, string file)
    {
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        var clock = Stopwatch.StartNew();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText =
            """
            INSERT INTO "members_Transactions" ("Id", "Channel", "Currency", "ExternalId", "LedgerEntryId", "MemberId", "OccurredAt", "OriginalExternalId", "Points", "ProgramId", "RecordedAt", "RequestHash", "Store", "TotalMinor", "Type")
            SELECT $id, 'pos', 'EUR', $external, NULL, i."MemberId", $at, NULL, $points, i."ProgramId", $at, $external, 's1', $total, 'Purchase'
            FROM "members_MemberIdentifiers" i WHERE i."Kind" = 'ExternalId' AND i."Value" = $member
            """;
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var external = insert.Parameters.Add("$external", SqliteType.Text);
        var at = insert.Parameters.Add("$at", SqliteType.Text);
        var points = insert.Parameters.Add("$points", SqliteType.Integer);
        var total = insert.Parameters.Add("$total", SqliteType.Integer);
        var member = insert.Parameters.Add("$member", SqliteType.Text);
        insert.Prepare();
        foreach (var row in ReadRows(file))
        {
            id.Value = Guid.NewGuid().ToString().ToUpperInvariant();
            external.Value = "a" + row.ExternalId;
            at.Value = row.OccurredAt.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
            points.Value = row.First / 100 + row.Second / 100;
            total.Value = row.Total;
            member.Value = row.Member;
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        return clock.Elapsed;
    }
}
