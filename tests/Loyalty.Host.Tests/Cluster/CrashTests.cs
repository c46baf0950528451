using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Loyalty.Shared.Security;
using Xunit.Abstractions;

namespace Loyalty.Host.Tests.Cluster;

/// <summary>A host process killed with SIGKILL at seeded points of a bulk import and of erasures, and started again.</summary>
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private const string Secret = "a suppression secret of at least thirty-two characters";
    private const int ImportRows = 1500;
    private const int Kills = 3;

    private readonly string _journal = Path.Combine(Path.GetTempPath(), $"erasure-journal-{Guid.NewGuid():N}.ndjson");

    [PostgresFact]
    public async Task A_node_killed_at_seeded_points_of_an_import_and_of_erasures_converges_after_restarts_with_nothing_lost_or_doubled()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("LOYALTY_CRASH_SEED"), CultureInfo.InvariantCulture, out var chosen) ? chosen : 20261203;
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        await using var cluster = await HostCluster.StartAsync(1, new Dictionary<string, string>
        {
            ["Modules__Members__Imports__BatchSize"] = "20",
            // A restarted node resumes the import once the dead runner's lease ran out, and looks each second.
            ["Modules__Members__Imports__LeaseDuration"] = "00:00:05",
            ["Modules__Members__Imports__PollInterval"] = "00:00:01",
            // An outbox message claimed by the killed process is taken again after this (2 minutes by default).
            ["Outbox__ClaimDuration"] = "00:00:10",
            ["Modules__Consent__SuppressionSecret"] = Secret,
            ["Modules__Consent__ErasureJournal"] = _journal,
        });
        var node = cluster.Nodes[0];
        using var admin = node.Client(cluster.AdminKey);
        using var pos = node.Client(cluster.IntegratorKey);
        using var dpo = node.Client(await cluster.CreateKeyAsync(Roles.DataProtectionOfficer));
        var program = $"k{Guid.NewGuid():N}"[..12];
        (await admin.PostAsJsonAsync("/api/members/programs", new { code = program, name = "Crash", timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();
        var membersPath = $"/api/members/programs/{program}/members";

        // One member to erase per kill, each with a purchase, and an erasure request filed for each.
        var erased = new List<(Guid Member, Guid Request, string Email)>();
        for (var i = 0; i < Kills; i++)
        {
            var email = $"erase{i}@example.com";
            var member = await IdAsync(await pos.PostAsJsonAsync(membersPath, new { externalId = $"erase-{i}", email, channel = "web" }));
            (await pos.PostAsJsonAsync($"/api/members/programs/{program}/transactions",
                new { externalId = $"t-erase-{i}", memberId = member, occurredAt = DateTimeOffset.UtcNow, currency = "EUR", total = 2500, channel = "pos" })).EnsureSuccessStatusCode();
            var request = await IdAsync(await dpo.PostAsJsonAsync("/api/consent/requests", new { type = "erasure", memberId = member, verification = "Signed in to the shop account" }));
            erased.Add((member, request, email));
        }

        var csv = new StringBuilder("externalId,email,firstName\n");
        for (var i = 1; i <= ImportRows; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"imp-{i},imp{i}@example.com,M{i}\n");
        }

        var upload = await pos.PostAsync($"/api/members/programs/{program}/imports?kind=members&fileName=members.csv", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var jobRow = $"FROM members.\"ImportJobs\" WHERE \"Id\" = '{await IdAsync(upload)}'";

        // Each kill: once the import has read past a seeded row of its kill's quarter of the file (after a restart, so
        // the new process has resumed it), an erasure is started and the process is killed a seeded number of
        // milliseconds later, with the import's batch and the erasure's steps wherever they are. The rows are many
        // enough that the import is still running when the last kill comes, however fast the machine.
        var read = 0L;
        for (var kill = 0; kill < Kills; kill++)
        {
            var rows = Math.Max(read + 1, (kill + 1) * ImportRows / (Kills + 1) + random.Next(-50, 50));
            for (var wait = Stopwatch.StartNew(); await cluster.ScalarAsync($"SELECT \"RowsRead\" {jobRow}") < rows; await Task.Delay(20))
            {
                Assert.True(wait.Elapsed < TimeSpan.FromSeconds(180), $"The import did not get to row {rows} (kill {kill}, {read} read before).\n{node.Tail()}");
            }

            Assert.True(await cluster.ScalarAsync($"SELECT \"RowsRead\" {jobRow}") < ImportRows, $"The import was done before kill {kill}: the test needs more rows.");

            var request = erased[kill].Request;
            var erasure = dpo.PostAsync(new Uri($"/api/consent/requests/{request}/erasure", UriKind.Relative), null);
            await Task.Delay(random.Next(0, 1500));
            await node.KillAsync();
            var answered = await AnsweredAsync(erasure);
            var steps = await cluster.ScalarAsync($"SELECT COUNT(*) FROM consent.\"RequestSteps\" WHERE \"RequestId\" = '{request}' AND \"Status\" = 'Done'");
            var suppressed = await cluster.ScalarAsync($"SELECT COUNT(*) FROM consent.\"Requests\" WHERE \"Id\" = '{request}' AND \"SuppressedAt\" IS NOT NULL");
            read = await cluster.ScalarAsync($"SELECT \"RowsRead\" {jobRow}");
            output.WriteLine($"kill {kill} at {clock.Elapsed.TotalSeconds:F1} s: import at row {read} of {ImportRows}, erasure {(answered ? "answered" : "unanswered")}, {(suppressed == 1 ? "suppressed" : "not suppressed")}, {steps} steps done");
            await node.StartAsync();
        }

        var status = string.Empty;
        for (var wait = Stopwatch.StartNew(); status != "Completed"; await Task.Delay(200))
        {
            Assert.True(wait.Elapsed < TimeSpan.FromSeconds(180), $"The import did not complete after the restarts (status {status}).\n{node.Tail()}");
            status = (await cluster.RowsAsync($"SELECT \"Status\" {jobRow}")).Single()[0]!;
        }

        output.WriteLine($"import completed at {clock.Elapsed.TotalSeconds:F1} s");

        // A killed erasure keeps its request's 10-minute lease until it runs out, and then the retry job or the DPO
        // goes on with it. The test lets the lease run out at once, and the DPO asks again.
        var leased = await cluster.ScalarAsync($"SELECT COUNT(*) FROM consent.\"Requests\" WHERE \"LockedUntil\" > now()");
        await cluster.ScalarAsync("UPDATE consent.\"Requests\" SET \"LockedUntil\" = now() - interval '1 second' WHERE \"LockedUntil\" > now()");
        output.WriteLine($"{leased} erasures were left leased by a killed run");
        foreach (var (member, request, email) in erased)
        {
            HttpResponseMessage again;
            string body;
            for (var wait = Stopwatch.StartNew(); ; await Task.Delay(500))
            {
                // 409 while the retry job, started with the node, has it.
                again = await dpo.PostAsync(new Uri($"/api/consent/requests/{request}/erasure", UriKind.Relative), null);
                body = await again.Content.ReadAsStringAsync();
                if (again.StatusCode != HttpStatusCode.Conflict || wait.Elapsed > TimeSpan.FromSeconds(30))
                {
                    break;
                }
            }

            Assert.True(again.StatusCode == HttpStatusCode.OK, $"{again.StatusCode}: {body}");
            Assert.Equal("completed", JsonDocument.Parse(body).RootElement.GetProperty("status").GetString());
            var view = JsonDocument.Parse(await admin.GetStringAsync($"{membersPath}/{member}")).RootElement;
            Assert.Equal("Erased", view.GetProperty("status").GetString());
            Assert.True(!view.TryGetProperty("email", out var left) || left.ValueKind == JsonValueKind.Null, $"email {left}");
            // Suppressed: the person cannot be enrolled again with the same email.
            var enrolAgain = await pos.PostAsJsonAsync(membersPath, new { externalId = $"again-{member:N}", email, channel = "web" });
            Assert.Equal(HttpStatusCode.Conflict, enrolAgain.StatusCode);
        }

        // The import: every row once, with its accounts and one enrolment event.
        var job = (await cluster.RowsAsync($"SELECT \"RowsRead\", \"RowsSucceeded\", \"RowsSkipped\", \"RowsFailed\" {jobRow}")).Single();
        Assert.Equal(($"{ImportRows}", $"{ImportRows}", "0", "0"), (job[0], job[1], job[2], job[3]));
        Assert.Equal(ImportRows, await cluster.ScalarAsync("SELECT COUNT(DISTINCT \"MemberId\") FROM members.\"MemberIdentifiers\" WHERE \"Kind\" = 'ExternalId' AND \"Value\" LIKE 'imp-%'"));
        Assert.Equal(ImportRows + Kills, await cluster.ScalarAsync("SELECT COUNT(*) FROM members.\"Members\""));
        Assert.Equal(2 * (ImportRows + Kills), await cluster.ScalarAsync("SELECT COUNT(*) FROM members.\"PointsAccounts\""));
        Assert.Equal(ImportRows + Kills, await cluster.ScalarAsync("SELECT COUNT(*) FROM members.\"OutboxMessages\" WHERE \"EventType\" LIKE '%MemberEnrolled%'"));

        // The erasures: each module's step once and done, each identifier suppressed once, each erasure in the journal.
        Assert.Equal(0, await cluster.ScalarAsync("SELECT COUNT(*) FROM (SELECT 1 FROM consent.\"RequestSteps\" GROUP BY \"RequestId\", \"Kind\", \"Name\" HAVING COUNT(*) > 1) d"));
        Assert.Equal(0, await cluster.ScalarAsync("SELECT COUNT(*) FROM consent.\"RequestSteps\" WHERE \"Status\" NOT IN ('Done', 'NotApplicable')"));
        Assert.Equal(0, await cluster.ScalarAsync("SELECT COUNT(*) FROM (SELECT 1 FROM consent.\"SuppressionEntries\" GROUP BY \"ProgramId\", \"Hash\" HAVING COUNT(*) > 1) d"));
        var journal = await File.ReadAllTextAsync(_journal);
        Assert.All(erased, e =>
        {
            Assert.Contains(e.Request.ToString(), journal, StringComparison.Ordinal);
            Assert.DoesNotContain(e.Email, journal, StringComparison.Ordinal);
        });
        foreach (var (_, request, _) in erased)
        {
            Assert.True(await cluster.ScalarAsync($"SELECT COUNT(*) FROM consent.\"SuppressionEntries\" WHERE \"RequestId\" = '{request}'") > 0);
        }

        // Every event delivered, each enrolment handled once by each of its handlers, and the ledger adds up.
        var backlog = await cluster.WaitForOutboxesAsync($"after {Kills} kills");
        output.WriteLine($"{backlog} outbox messages were undelivered after the erasures; all delivered at {clock.Elapsed.TotalSeconds:F1} s");
        var enrolledHandlers = await cluster.RowsAsync(
            "SELECT \"Handler\", COUNT(*) FROM campaigns.\"InboxMessages\" WHERE \"Handler\" LIKE '%OnMemberEnrolled%' GROUP BY \"Handler\"");
        Assert.NotEmpty(enrolledHandlers);
        Assert.All(enrolledHandlers, h => Assert.Equal($"{ImportRows + Kills}", h[1]));
        Assert.Equal("[]", await admin.GetStringAsync($"/api/members/programs/{program}/ledger-check"));
        output.WriteLine($"seed {seed}, done at {clock.Elapsed.TotalSeconds:F1} s");
    }

    public void Dispose() => File.Delete(_journal);

    private static async Task<bool> AnsweredAsync(Task<HttpResponseMessage> request)
    {
        try
        {
            using var response = await request;
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static async Task<Guid> IdAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }
}
