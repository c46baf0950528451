using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Loyalty.Benchmarks;

/// <summary>
/// Issue 6's target: segment evaluation over N members against the equivalent hand-written SQL on the same database
/// in the same run. Members and two purchases each (on average) are loaded through the import verb; then the count
/// preview (one <c>POST …/segments/preview</c>) is timed against a hand-written <c>COUNT</c> with <c>GROUP BY … HAVING</c>,
/// and the materialisation (the segment job's run, from its start to done as the segment reports it) against the
/// hand-written <c>INSERT … SELECT</c> of the same ids into a table. With a <c>sample</c> smaller than N, only the sample
/// goes through the import verb (about 500 members/s on this machine, so a million would take most of an hour), and SQL
/// copies its members and their purchases, with new ids, until there are N: the same rows and distribution, made faster.
/// </summary>
public static class SegmentBenchmark
{
    private const int Runs = 5;

    // Bought in the last 14 days, and an average order of at least 400.00.
    private static readonly object Conditions = new
    {
        all = new object[] { new { purchases = new { withinDays = 14, min = 1 } }, new { averageOrderValue = new { min = 40_000 } } },
    };

    public static async Task<string> RunAsync(string hostDll, string provider, int members, int sample)
    {
        if (sample <= 0 || members % sample != 0)
        {
            throw new ArgumentException($"The members ({members}) must be a multiple of the sample ({sample}).", nameof(sample));
        }

        var folder = Directory.CreateTempSubdirectory("loyalty-segment-bench-");
        try
        {
            var membersFile = Path.Combine(folder.FullName, "members.csv");
            var transactionsFile = Path.Combine(folder.FullName, "transactions.ndjson");
            await ImportBenchmark.WriteMembersAsync(membersFile, sample);
            // Over the whole 30 days at every size, so that the 14-day condition holds for part of the members, not none or all.
            await ImportBenchmark.WriteTransactionsAsync(transactionsFile, sample, sample * 2, "t", evenly: true);

            await using var database = await BenchDatabase.CreateAsync(provider);
            await using (var setup = await HostProcess.StartAsync(hostDll, database))
            {
                using var admin = await setup.ApiKeyClientAsync(4, "Admin");
                (await admin.PostAsJsonAsync("/api/members/programs", new { code = ImportBenchmark.Program, name = "Benchmark", timeZone = "Europe/Berlin", currency = "EUR" }))
                    .EnsureSuccessStatusCode();
            }

            await ImportBenchmark.ImportAsync(hostDll, database, "members", membersFile);
            await ImportBenchmark.ImportAsync(hostDll, database, "transactions", transactionsFile);
            if (members > sample)
            {
                await CopySampleAsync(database, members / sample);
            }

            await using var host = await HostProcess.StartAsync(hostDll, database);
            using var client = await host.ApiKeyClientAsync(4, "Admin");
            var segments = $"/api/campaigns/programs/{ImportBenchmark.Program}/segments";
            var since = DateTimeOffset.UtcNow.AddDays(-14);

            // A step the product fails (at a million members on a busy machine, a statement running into its timeout) is
            // reported with the time it took to fail and the reason, and the anchors are still measured.
            long count = 0;
            var attempt = new Stopwatch();
            string previewCell, previewRatio;
            TimeSpan? preview = null;
            try
            {
                preview = await MedianAsync(async () =>
                {
                    attempt.Restart();
                    var response = await client.PostAsJsonAsync($"{segments}/preview", new { conditions = Conditions, marketing = false });
                    response.EnsureSuccessStatusCode();
                    count = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt64();
                });
                previewCell = FormattableString.Invariant($"{preview.Value.TotalSeconds:F3}");
            }
            catch (HttpRequestException e)
            {
                previewCell = FormattableString.Invariant($"failed: HTTP {(int?)e.StatusCode} after {attempt.Elapsed.TotalSeconds:F1}");
            }

            long anchorCount = 0;
            var countAnchor = await MedianAsync(async () => anchorCount = await database.ScalarAsync(CountSql(database, since)));
            previewRatio = preview is { } p ? FormattableString.Invariant($"**{countAnchor / p:F2}**") : "—";

            var created = await client.PostAsJsonAsync(segments, new { code = "bench", name = "Benchmark", marketing = false, conditions = Conditions });
            created.EnsureSuccessStatusCode();
            var segment = await FinishedAsync(client, $"{segments}/bench");
            var evaluation = segment.GetProperty("evaluation");
            var materialised = evaluation.GetProperty("evaluatedAt").GetDateTimeOffset() - evaluation.GetProperty("startedAt").GetDateTimeOffset();
            var failed = evaluation.GetProperty("state").GetString() == "failed";
            var insertAnchor = await TimeAsync(() => ExecuteAsync(database, InsertSql(database, since)));

            var report = new StringBuilder();
            report.AppendLine(FormattableString.Invariant($"### Segment evaluation, {provider} ({members:N0} members, {members * 2:N0} purchases)"));
            report.AppendLine();
            report.AppendLine("| step | product s | hand-written SQL s | ratio (SQL / product; target ≥ 0.7) | members |");
            report.AppendLine("| --- | ---: | ---: | ---: | ---: |");
            report.AppendLine(FormattableString.Invariant(
                $"| count preview (median of {Runs}) | {previewCell} | {countAnchor.TotalSeconds:F3} | {previewRatio} | {count:N0} (SQL: {anchorCount:N0}) |"));
            report.AppendLine(failed
                ? FormattableString.Invariant(
                    $"| materialisation, first evaluation | failed after {materialised.TotalSeconds:F1}: {evaluation.GetProperty("failureReason").GetString()} | {insertAnchor.TotalSeconds:F3} | — | |")
                : FormattableString.Invariant(
                    $"| materialisation, first evaluation | {materialised.TotalSeconds:F3} | {insertAnchor.TotalSeconds:F3} | **{insertAnchor / materialised:F2}** | {segment.GetProperty("memberCount").GetInt32():N0} |"));
            report.AppendLine();
            report.AppendLine("Condition: a purchase in the last 14 days and an average order value of at least 400.00. The materialisation also writes one history row per member who entered; the SQL anchor writes the ids only.");
            return report.ToString();
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The same members as the condition, as one would write it by hand: one pass over the purchases, grouped.</summary>
    private static string CountSql(BenchDatabase database, DateTimeOffset since) =>
        $"SELECT COUNT(*) FROM ({MatchingSql(database, since)}) x";

    private static string InsertSql(BenchDatabase database, DateTimeOffset since) =>
        $"CREATE TABLE bench_segment AS {MatchingSql(database, since)}";

    private static string MatchingSql(BenchDatabase database, DateTimeOffset since)
    {
        var members = database.Table("members", "Members");
        var transactions = database.Table("members", "Transactions");
        var programs = database.Table("members", "Programs");
        // SQLite keeps times as EF Core's DateTimeOffsetToBinaryConverter writes them: (ticks / 1000) << 11 | offset minutes (0 here).
        var bound = database.IsPostgres
            ? $"'{since.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}'::timestamptz"
            : ((since.UtcTicks / 1000) << 11).ToString(CultureInfo.InvariantCulture);
        return $"""
            SELECT m."Id" FROM {members} m JOIN {transactions} t ON t."MemberId" = m."Id"
            WHERE m."ProgramId" = (SELECT "Id" FROM {programs} WHERE "Code" = '{ImportBenchmark.Program}') AND m."Status" = 'Active' AND t."Type" = 'Purchase'
            GROUP BY m."Id"
            HAVING SUM(CASE WHEN t."OccurredAt" >= {bound} THEN 1 ELSE 0 END) >= 1 AND SUM(t."TotalMinor") >= 40000 * COUNT(*)
            """;
    }

    /// <summary>
    /// Makes <paramref name="copies"/> − 1 copies of every member and their purchases: each copy of a member gets a
    /// new random id, each copied purchase a new id, its copy's member id and its external id with the copy's number.
    /// Every other column is copied as it is, so what the conditions read has the sample's distribution.
    /// </summary>
    private static async Task CopySampleAsync(BenchDatabase database, int copies)
    {
        var clock = Stopwatch.StartNew();
        var members = database.Table("members", "Members");
        var transactions = database.Table("members", "Transactions");
        var newId = database.IsPostgres
            ? "gen_random_uuid()"
            // EF Core keeps a Guid on SQLite as upper-case text in the 8-4-4-4-12 form; hex() writes upper case.
            : "hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(6))";
        var numbers = database.IsPostgres
            ? $"SELECT g AS copy FROM generate_series(1, {copies - 1}) g"
            : $"WITH RECURSIVE n(copy) AS (SELECT 1 UNION ALL SELECT copy + 1 FROM n WHERE copy < {copies - 1}) SELECT copy FROM n";
        var memberColumns = await ColumnsAsync(database, "Members");
        var transactionColumns = await ColumnsAsync(database, "Transactions");
        var memberValues = Copied(memberColumns, "m", new Dictionary<string, string> { ["Id"] = "x.new_id" });
        var transactionValues = Copied(transactionColumns, "t", new Dictionary<string, string>
        {
            ["Id"] = newId, ["MemberId"] = "x.new_id", ["ExternalId"] = "t.\"ExternalId\" || '-' || x.copy",
        });
        await ExecuteAsync(database, $"""
            CREATE TABLE bench_copies AS {numbers};
            CREATE TABLE bench_member_copies AS SELECT m."Id" AS old_id, c.copy, {newId} AS new_id FROM {members} m CROSS JOIN bench_copies c;
            INSERT INTO {members} ({Names(memberColumns)}) SELECT {memberValues} FROM bench_member_copies x JOIN {members} m ON m."Id" = x.old_id;
            INSERT INTO {transactions} ({Names(transactionColumns)}) SELECT {transactionValues} FROM bench_member_copies x JOIN {transactions} t ON t."MemberId" = x.old_id;
            DROP TABLE bench_member_copies;
            DROP TABLE bench_copies;
            ANALYZE;
            """);
        Console.Error.WriteLine(FormattableString.Invariant($"  copied the sample {copies - 1} times in SQL: {clock.Elapsed.TotalSeconds:F1} s"));

        static string Names(IEnumerable<string> columns) => string.Join(", ", columns.Select(c => $"\"{c}\""));

        static string Copied(IEnumerable<string> columns, string alias, Dictionary<string, string> replaced) =>
            string.Join(", ", columns.Select(c => replaced.TryGetValue(c, out var expression) ? expression : $"{alias}.\"{c}\""));
    }

    private static async Task<IReadOnlyList<string>> ColumnsAsync(BenchDatabase database, string table)
    {
        await using DbConnection connection = database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = database.IsPostgres
            ? $"SELECT column_name FROM information_schema.columns WHERE table_schema = 'members' AND table_name = '{table}' ORDER BY ordinal_position"
            : $"SELECT name FROM pragma_table_info('members_{table}')";
        var columns = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    private static async Task ExecuteAsync(BenchDatabase database, string sql)
    {
        await using DbConnection connection = database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The segment once its evaluation is done or has failed.</summary>
    private static async Task<JsonElement> FinishedAsync(HttpClient client, string path)
    {
        // The job runs every minute; a first evaluation of a million members takes minutes more.
        for (var i = 0; i < 7_200; i++)
        {
            var segment = await client.GetFromJsonAsync<JsonElement>(path);
            if (segment.GetProperty("evaluation").GetProperty("state").GetString() is "done" or "failed")
            {
                return segment;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException("The segment was not evaluated within an hour.");
    }

    private static async Task<TimeSpan> MedianAsync(Func<Task> run)
    {
        await run(); // warm-up: plans, caches, JIT
        var times = new List<TimeSpan>();
        for (var i = 0; i < Runs; i++)
        {
            times.Add(await TimeAsync(run));
        }

        return times.Order().ElementAt(Runs / 2);
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> run)
    {
        var clock = Stopwatch.StartNew();
        await run();
        return clock.Elapsed;
    }
}
