using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Loyalty.Benchmarks;

/// <summary>
/// Issue 8's targets: the export of one member with 10,000 purchases (p99 of the export request, against hand-written
/// SQL reading the same rows) and the erasure of one member across all modules (against a hand-written script of the
/// statements of every module's erasure), at a given number of members. Members come in through the import verb, the
/// 10,000 purchases of the exported member too.
/// </summary>
public static class GdprBenchmark
{
    private const int Runs = 20;

    private const int History = 10_000;

    public static async Task<string> RunAsync(string hostDll, string provider, int members)
    {
        var folder = Directory.CreateTempSubdirectory("loyalty-gdpr-bench-");
        try
        {
            var membersFile = Path.Combine(folder.FullName, "members.csv");
            var transactionsFile = Path.Combine(folder.FullName, "transactions.ndjson");
            await ImportBenchmark.WriteMembersAsync(membersFile, members);
            await WriteHistoryAsync(transactionsFile, "m1", History);

            await using var database = await BenchDatabase.CreateAsync(provider);
            var settings = new Dictionary<string, string>
            {
                ["Modules__Consent__SuppressionSecret"] = "a benchmark suppression secret of at least 32 characters",
                ["Modules__Consent__ExportDirectory"] = Path.Combine(folder.FullName, "exports"),
                // Deleted with the rest; by default the journal would stay in the data folder of the checkout.
                ["Modules__Consent__ErasureJournal"] = Path.Combine(folder.FullName, "erasure-journal.ndjson"),
            };
            await using (var setup = await HostProcess.StartAsync(hostDll, database, settings))
            {
                using var admin = await setup.ApiKeyClientAsync(4, "Admin");
                (await admin.PostAsJsonAsync("/api/members/programs", new { code = ImportBenchmark.Program, name = "Benchmark", timeZone = "Europe/Berlin", currency = "EUR" }))
                    .EnsureSuccessStatusCode();
            }

            await ImportBenchmark.ImportAsync(hostDll, database, "members", membersFile);
            await ImportBenchmark.ImportAsync(hostDll, database, "transactions", transactionsFile);

            await using var host = await HostProcess.StartAsync(hostDll, database, settings);
            using var dpo = await host.ApiKeyClientAsync(2, "DataProtectionOfficer");
            var exported = await MemberIdAsync(database, "m1");

            var export = new Latencies();
            var anchor = new Latencies();
            long rows = 0;
            for (var i = 0; i <= Runs; i++)
            {
                var request = await FileAsync(dpo, "access", exported);
                var took = await TimeAsync(async () => Completed(await dpo.PostAsync($"/api/consent/requests/{request}/export", null)));
                var read = await TimeAsync(async () => rows = await ReadHistoryAsync(database, exported));
                if (i > 0) // the first of each is the warm-up
                {
                    export.Add(took.TotalMilliseconds);
                    anchor.Add(read.TotalMilliseconds);
                }
            }

            var erasure = new Latencies();
            var script = new Latencies();
            for (var i = 0; i <= Runs; i++)
            {
                var member = await MemberIdAsync(database, $"m{2 + i}");
                var request = await FileAsync(dpo, "erasure", member);
                var took = await TimeAsync(async () => Completed(await dpo.PostAsync($"/api/consent/requests/{request}/erasure", null)));
                var other = await MemberIdAsync(database, $"m{members - i}");
                var ran = await TimeAsync(() => EraseByHandAsync(database, other));
                if (i > 0)
                {
                    erasure.Add(took.TotalMilliseconds);
                    script.Add(ran.TotalMilliseconds);
                }
            }

            var report = new StringBuilder();
            report.AppendLine(FormattableString.Invariant($"### Export and erasure, {provider} ({members:N0} members; the exported one with {History:N0} purchases)"));
            report.AppendLine();
            report.AppendLine(FormattableString.Invariant($"| operation ({Runs} runs after one warm-up) | product p50 ms | product p99 ms | hand-written p50 ms | hand-written p99 ms | ratio p99 product / hand-written |"));
            report.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
            report.AppendLine(FormattableString.Invariant(
                $"| export of one member (target p99 < 1,000 ms, ratio ≤ 2) | {export.Percentile(50):F0} | {export.Percentile(99):F0} | {anchor.Percentile(50):F1} | {anchor.Percentile(99):F1} | **{export.Percentile(99) / anchor.Percentile(99):F1}** |"));
            report.AppendLine(FormattableString.Invariant(
                $"| erasure of one member (target ratio ≤ 1.5) | {erasure.Percentile(50):F0} | {erasure.Percentile(99):F0} | {script.Percentile(50):F1} | {script.Percentile(99):F1} | **{erasure.Percentile(99) / script.Percentile(99):F1}** |"));
            report.AppendLine();
            report.AppendLine(FormattableString.Invariant(
                $"The export request builds the whole encrypted archive of every module; the hand-written SQL reads the same Members rows ({rows:N0}: member, identifiers, accounts, ledger entries, purchases and their lines) and writes nothing. The erasure request runs every module and recipient step with its commits; the hand-written script is every module's erasure statements (reads, deletes, updates), in one transaction, without the request's bookkeeping (journal, suppression list, steps, audit). With {Runs} runs, p99 is the slowest run."));
            return report.ToString();
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static void Completed(HttpResponseMessage response)
    {
        response.EnsureSuccessStatusCode();
        var status = response.Content.ReadFromJsonAsync<JsonElement>().GetAwaiter().GetResult().GetProperty("status").GetString();
        if (status != "completed")
        {
            throw new InvalidOperationException($"The request is {status}, not completed.");
        }
    }

    private static async Task<Guid> FileAsync(HttpClient dpo, string type, Guid member)
    {
        var response = await dpo.PostAsJsonAsync("/api/consent/requests", new { type, memberId = member, verification = "Benchmark" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task<Guid> MemberIdAsync(BenchDatabase database, string externalId)
    {
        await using var connection = database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT \"MemberId\" FROM {database.Table("members", "MemberIdentifiers")} WHERE \"Value\" = '{externalId}'";
        return Guid.Parse(Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture)!);
    }

    private static string Id(BenchDatabase database, Guid member) =>
        database.IsPostgres ? $"'{member}'" : $"'{member.ToString().ToUpperInvariant()}'";

    /// <summary>The rows the Members module exports of the member, read by hand: every column, every row.</summary>
    private static async Task<long> ReadHistoryAsync(BenchDatabase database, Guid member)
    {
        var id = Id(database, member);
        string T(string table) => database.Table("members", table);
        var queries = new[]
        {
            $"SELECT * FROM {T("Members")} WHERE \"Id\" = {id}",
            $"SELECT * FROM {T("MemberIdentifiers")} WHERE \"MemberId\" = {id}",
            $"SELECT * FROM {T("PointsAccounts")} WHERE \"MemberId\" = {id}",
            $"SELECT e.* FROM {T("LedgerEntries")} e JOIN {T("PointsAccounts")} a ON a.\"Id\" = e.\"AccountId\" WHERE a.\"MemberId\" = {id} ORDER BY e.\"CreatedAt\"",
            $"SELECT * FROM {T("Transactions")} WHERE \"MemberId\" = {id} ORDER BY \"OccurredAt\", \"Id\"",
            $"SELECT l.* FROM {T("TransactionLines")} l JOIN {T("Transactions")} t ON t.\"Id\" = l.\"TransactionId\" WHERE t.\"MemberId\" = {id}",
        };
        long rows = 0;
        await using var connection = database.Open();
        foreach (var sql in queries)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync();
            var values = new object[reader.FieldCount];
            while (await reader.ReadAsync())
            {
                reader.GetValues(values);
                rows++;
            }
        }

        return rows;
    }

    /// <summary>
    /// The statements every module's erasure runs for one member (Members, Campaigns, Connectors, Consent, Feedback:
    /// the reads they decide on, the deletes and updates), written by hand, in one transaction. The request's own
    /// bookkeeping (journal, suppression list, steps, audit, outbox) is not in it.
    /// </summary>
    private static async Task EraseByHandAsync(BenchDatabase database, Guid member)
    {
        var id = Id(database, member);
        string T(string schema, string table) => database.Table(schema, table);
        await using var connection = database.Open();
        await using DbTransaction transaction = await connection.BeginTransactionAsync();
        async Task RunAsync(string sql)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            if (sql.Contains("@now", StringComparison.Ordinal))
            {
                var now = command.CreateParameter();
                (now.ParameterName, now.Value) = ("now", DateTimeOffset.UtcNow);
                command.Parameters.Add(now);
            }

            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
            }
        }

        foreach (var sql in new[]
        {
            $"SELECT * FROM {T("members", "Members")} WHERE \"Id\" = {id}",
            $"SELECT * FROM {T("members", "MemberIdentifiers")} WHERE \"MemberId\" = {id}",
            $"DELETE FROM {T("members", "HeldTransactions")} WHERE \"ProgramId\" = (SELECT \"ProgramId\" FROM {T("members", "Members")} WHERE \"Id\" = {id}) AND \"IdentifierValue\" IN (SELECT \"Value\" FROM {T("members", "MemberIdentifiers")} WHERE \"MemberId\" = {id})",
            $"UPDATE {T("members", "Transactions")} SET \"PaymentFingerprintHash\" = NULL WHERE \"MemberId\" = {id} AND \"PaymentFingerprintHash\" IS NOT NULL",
            $"DELETE FROM {T("members", "MemberIdentifiers")} WHERE \"MemberId\" = {id}",
            $"UPDATE {T("members", "Members")} SET \"Email\" = NULL, \"NormalizedEmail\" = NULL, \"Phone\" = NULL, \"FirstName\" = NULL, \"LastName\" = NULL, \"Locale\" = NULL, \"BirthDate\" = NULL, \"Status\" = 'Erased', \"Version\" = \"Version\" + 1 WHERE \"Id\" = {id}",
            $"DELETE FROM {T("campaigns", "ReferralCodes")} WHERE \"MemberId\" = {id}",
            $"DELETE FROM {T("campaigns", "SegmentMembers")} WHERE \"MemberId\" = {id}",
            $"DELETE FROM {T("campaigns", "SegmentChanges")} WHERE \"MemberId\" = {id}",
            $"DELETE FROM {T("campaigns", "SegmentListEntries")} WHERE \"MemberId\" = {id}",
            $"DELETE FROM {T("campaigns", "MemberScores")} WHERE \"MemberId\" = {id}",
            $"UPDATE {T("campaigns", "CampaignMessages")} SET \"Address\" = NULL, \"Locale\" = NULL WHERE \"MemberId\" = {id}",
            $"UPDATE {T("campaigns", "CampaignMessages")} SET \"LinksRevokedAt\" = @now WHERE \"MemberId\" = {id} AND \"LinksRevokedAt\" IS NULL",
            $"UPDATE {T("campaigns", "Activities")} SET \"Attributes\" = NULL WHERE \"MemberId\" = {id} AND \"Attributes\" IS NOT NULL",
            $"SELECT EXISTS (SELECT 1 FROM {T("campaigns", "Activities")} WHERE \"MemberId\" = {id})",
            $"SELECT EXISTS (SELECT 1 FROM {T("campaigns", "Referrals")} WHERE \"ReferrerId\" = {id} OR \"ReferredId\" = {id})",
            $"SELECT EXISTS (SELECT 1 FROM {T("campaigns", "CampaignMessages")} WHERE \"MemberId\" = {id})",
            $"DELETE FROM {T("connectors", "SyncConflicts")} WHERE \"MemberId\" = {id}",
            $"DELETE FROM {T("connectors", "DeadLetters")} WHERE \"MemberId\" = {id}",
            $"UPDATE {T("connectors", "SyncedRecords")} SET \"LastValues\" = '{{}}' WHERE \"MemberId\" = {id}",
            $"UPDATE {T("consent", "Requests")} SET \"Notes\" = NULL, \"SubjectContact\" = NULL WHERE \"MemberId\" = {id} AND (\"Notes\" IS NOT NULL OR \"SubjectContact\" IS NOT NULL)",
            $"UPDATE {T("consent", "ConsentRecords")} SET \"IpAddress\" = NULL, \"FormId\" = NULL WHERE \"MemberId\" = {id} AND (\"IpAddress\" IS NOT NULL OR \"FormId\" IS NOT NULL)",
            $"SELECT * FROM {T("consent", "ExportArchives")} WHERE \"RequestId\" IN (SELECT \"Id\" FROM {T("consent", "Requests")} WHERE \"MemberId\" = {id}) AND \"DeletedAt\" IS NULL",
            $"DELETE FROM {T("feedback", "SurveyAnswers")} WHERE \"ResponseId\" IN (SELECT \"Id\" FROM {T("feedback", "SurveyResponses")} WHERE \"MemberId\" = {id}) AND \"Text\" IS NOT NULL",
            $"UPDATE {T("feedback", "Reviews")} SET \"Text\" = NULL WHERE \"MemberId\" = {id}",
            $"DELETE FROM {T("feedback", "SurveySends")} WHERE \"MemberId\" = {id} AND \"RespondedAt\" IS NULL",
            $"UPDATE {T("feedback", "SurveySends")} SET \"RevokedAt\" = @now WHERE \"MemberId\" = {id} AND \"RevokedAt\" IS NULL",
            $"SELECT EXISTS (SELECT 1 FROM {T("feedback", "SurveyResponses")} WHERE \"MemberId\" = {id})",
            $"SELECT EXISTS (SELECT 1 FROM {T("feedback", "Reviews")} WHERE \"MemberId\" = {id})",
        })
        {
            await RunAsync(sql);
        }

        await transaction.CommitAsync();
    }

    private static async Task WriteHistoryAsync(string path, string member, int transactions)
    {
        var start = DateTimeOffset.UtcNow.AddDays(-300);
        await using var writer = new StreamWriter(path);
        for (var i = 1; i <= transactions; i++)
        {
            var at = start.AddMinutes(i).ToString("O", CultureInfo.InvariantCulture);
            await writer.WriteLineAsync(
                $$"""{"externalId":"h{{i}}","type":"purchase","memberExternalId":"{{member}}","occurredAt":"{{at}}","channel":"pos","store":"s1","currency":"EUR","total":{{1000 + i % 500}},"lines":[{"sku":"latte","category":"coffee","quantity":1,"unitPrice":{{1000 + i % 500}}}]}""");
        }
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> run)
    {
        var clock = Stopwatch.StartNew();
        await run();
        return clock.Elapsed;
    }
}
