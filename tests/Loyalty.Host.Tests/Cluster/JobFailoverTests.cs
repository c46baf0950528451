using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Loyalty.Consent.Contracts;
using Loyalty.Host.Tests.Campaigns;
using Loyalty.Host.Tests.Consent;
using Loyalty.Shared.Security;
using Xunit.Abstractions;

namespace Loyalty.Host.Tests.Cluster;

/// <summary>
/// Two host processes on one PostgreSQL database; the one running a Quartz job (the campaign send) is killed with
/// SIGKILL in the middle of it, and the survivor, once Quartz's cluster check-in has written the dead node off, runs
/// the job again and finishes the send.
/// </summary>
public sealed class JobFailoverTests(ITestOutputHelper output)
{
    private const int Members = 300;

    /// <summary>The Quartz rows a firing leaves while it runs, as seen by sampling them.</summary>
    private sealed record Fired(string EntryId, string Trigger, string Instance, long ScheduledAt, string State, string Job, bool AfterKill);

    [PostgresFact]
    public async Task A_node_killed_while_running_the_campaign_send_job_is_written_off_by_the_survivor_which_finishes_the_send_without_a_repeat_and_each_firing_ran_on_one_node()
    {
        var clock = Stopwatch.StartNew();
        await using var smtp = await SmtpSink.StartAsync();
        var settings = smtp.Settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        // Rounds of 10 messages, a campaign claim that outlasts a round but not the test (5 minutes by default), and a
        // node written off 1 + 2 s after its last check-in (Quartz's defaults: 7.5 + 7.5 s).
        settings["Modules__Campaigns__Messaging__BatchSize"] = "10";
        settings["Modules__Campaigns__Messaging__ClaimDuration"] = "00:00:10";
        settings["Jobs__ClusterCheckinInterval"] = "00:00:01";
        settings["Jobs__ClusterCheckinMisfireThreshold"] = "00:00:02";
        settings["Outbox__ClaimDuration"] = "00:00:10";
        await using var cluster = await HostCluster.StartAsync(2, settings);
        output.WriteLine($"two nodes ready after {clock.Elapsed.TotalSeconds:F1} s");
        var nodes = cluster.Nodes;
        var admin = nodes.Select(n => n.Client(cluster.AdminKey)).ToArray();
        var pos = nodes.Select(n => n.Client(cluster.IntegratorKey)).ToArray();
        var program = $"f{Guid.NewGuid():N}"[..12];
        (await admin[0].PostAsJsonAsync("/api/members/programs", new { code = program, name = "Failover", timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();
        using (var dpo = nodes[1].Client(await cluster.CreateKeyAsync(Roles.DataProtectionOfficer)))
        {
            await ConsentTests.SetUpPurposeAsync(dpo, program);
        }

        // The nodes run on the real clock: without this, the program's quiet hours (21:00 to 08:00 in Berlin by
        // default) would hold the send whenever the test runs in the evening.
        (await admin[0].PutAsJsonAsync($"/api/campaigns/programs/{program}/messaging-settings",
            new { capMessages = 3, capDays = 7, quietFrom = (string?)null, quietUntil = (string?)null })).EnsureSuccessStatusCode();

        // Every firing the nodes run from now on, sampled from Quartz's fired-trigger rows.
        var fired = new ConcurrentDictionary<(string EntryId, string State), Fired>();
        var killed = false;
        using var stopSampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                var afterKill = Volatile.Read(ref killed);
                foreach (var r in await cluster.RowsAsync("SELECT entry_id, trigger_name, instance_name, sched_time, state, job_name FROM qrtz_fired_triggers"))
                {
                    fired.TryAdd((r[0]!, r[4]!), new Fired(r[0]!, r[1]!, r[2]!, long.Parse(r[3]!, System.Globalization.CultureInfo.InvariantCulture), r[4]!, r[5]!, afterKill));
                }

                await Task.Delay(50);
            }
        });

        // Members who consent to email marketing, enrolled at both nodes.
        var membersPath = $"/api/members/programs/{program}/members";
        await Task.WhenAll(Enumerable.Range(0, 6).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; i < Members; i += 6)
            {
                var client = pos[i % 2];
                var enrolled = await client.PostAsJsonAsync(membersPath, new { externalId = $"fo-{i}", email = $"m{i}@example.com", firstName = $"M{i}", locale = "en", channel = "web" });
                var member = await CreatedIdAsync(enrolled);
                var granted = await client.PostAsJsonAsync($"/api/consent/programs/{program}/members/{member}/consents",
                    new { purpose = ConsentPurposes.EmailMarketing, channel = "email", textVersion = 1, locale = "en", source = "webForm", formId = "newsletter-signup" });
                Assert.True(granted.IsSuccessStatusCode, await granted.Content.ReadAsStringAsync());
            }
        })));
        output.WriteLine($"{Members} members enrolled at {clock.Elapsed.TotalSeconds:F1} s");

        var campaigns = $"/api/campaigns/programs/{program}/campaigns";
        var campaign = await CreatedIdAsync(await admin[0].PostAsJsonAsync(campaigns, SmtpCampaignTests.Simple("<p>Hi {{ member.first_name }}</p>")));
        var scheduled = await admin[1].PostAsJsonAsync($"{campaigns}/{campaign}/schedule", new { at = DateTimeOffset.UtcNow });
        Assert.True(scheduled.IsSuccessStatusCode, await scheduled.Content.ReadAsStringAsync());
        var campaignRow = $"FROM campaigns.\"Campaigns\" WHERE \"Id\" = '{campaign}'";
        var messages = $"FROM campaigns.\"CampaignMessages\" WHERE \"CampaignId\" = '{campaign}'";

        // Whichever node's SendCampaignsJob (every 15 s) takes the campaign is killed once some rounds are sent.
        string? sender = null;
        string?[] row = [];
        for (var wait = Stopwatch.StartNew(); sender is null; await Task.Delay(50))
        {
            // A loaded CI machine runs the browser tests beside this one: the first rounds can take a while.
            Assert.True(wait.Elapsed < TimeSpan.FromSeconds(120), $"The send did not start: status {row.ElementAtOrDefault(0)}, claimed by {row.ElementAtOrDefault(1)}, {row.ElementAtOrDefault(2)} sent after {wait.Elapsed.TotalSeconds:F0} s.");
            row = (await cluster.RowsAsync($"SELECT \"Status\", \"LockedBy\", (SELECT COUNT(*) {messages} AND \"Status\" = 'Sent') {campaignRow}")).Single();
            Assert.NotEqual("Completed", row[0]);
            if (row[0] == "Sending" && long.Parse(row[2]!, System.Globalization.CultureInfo.InvariantCulture) >= 60)
            {
                sender = row[1];
            }
        }

        var victim = Assert.Single(nodes, n => sender!.Contains($"/{n.ProcessId}/", StringComparison.Ordinal));
        var survivor = nodes.Single(n => n != victim);
        // The victim runs the send as a Quartz firing: the job's one fired-trigger row, executing, is the victim's.
        var executing = (await cluster.RowsAsync("SELECT instance_name, trigger_name FROM qrtz_fired_triggers WHERE job_name = 'SendCampaignsJob' AND state = 'EXECUTING'")).Single();
        var victimInstance = executing[0]!;
        var sentBeforeKill = await cluster.ScalarAsync($"SELECT COUNT(*) {messages} AND \"Status\" = 'Sent'");
        await victim.KillAsync();
        Volatile.Write(ref killed, true);
        var killedAt = clock.Elapsed;
        output.WriteLine($"{victim.Name} (Quartz instance {victimInstance}) killed at {killedAt.TotalSeconds:F1} s with {sentBeforeKill} of {Members} sent");

        // The job does not run concurrently, so its trigger stays blocked by the dead node's firing: only Quartz's
        // cluster recovery on the survivor (the dead node's check-ins stop) releases it.
        Assert.Equal("BLOCKED", (await cluster.RowsAsync($"SELECT trigger_state FROM qrtz_triggers WHERE trigger_name = '{executing[1]}'")).Single()[0]);
        TimeSpan? writtenOff = null;
        string? status = null;
        for (var wait = Stopwatch.StartNew(); status != "Completed"; await Task.Delay(200))
        {
            Assert.True(wait.Elapsed < TimeSpan.FromSeconds(90), $"The survivor did not finish the send (status {status}, written off {writtenOff}).\n{survivor.Tail()}");
            if (writtenOff is null && await cluster.ScalarAsync($"SELECT COUNT(*) FROM qrtz_scheduler_state WHERE instance_name = '{victimInstance}'") == 0)
            {
                writtenOff = clock.Elapsed - killedAt;
                output.WriteLine($"the survivor wrote {victim.Name} off {writtenOff.Value.TotalSeconds:F1} s after the kill");
            }

            status = (await cluster.RowsAsync($"SELECT \"Status\" {campaignRow}")).Single()[0];
        }

        output.WriteLine($"send completed {(clock.Elapsed - killedAt).TotalSeconds:F1} s after the kill");
        await stopSampling.CancelAsync();
        await sampler;

        // Quartz recovered the dead node: its check-in row and its fired-trigger rows are gone, and the survivor ran the
        // job again (a fired row of another instance after the kill).
        Assert.NotNull(writtenOff);
        Assert.Equal(0, await cluster.ScalarAsync($"SELECT COUNT(*) FROM qrtz_fired_triggers WHERE instance_name = '{victimInstance}'"));
        Assert.Contains(fired.Values, f => f.AfterKill && f.Job == "SendCampaignsJob" && f.Instance != victimInstance);

        // Each firing ran on one node: every (trigger, scheduled time) seen executing has one fired entry on one instance.
        // (A firing may also be seen acquired by a node that then released it to the other, which is Quartz's normal
        // course; only its execution must be single.)
        var firings = fired.Values.Where(f => f.State == "EXECUTING").GroupBy(f => (f.Trigger, f.ScheduledAt)).ToList();
        output.WriteLine($"{firings.Count} executed firings observed ({string.Join(", ", firings.Select(g => g.Key.Trigger).Distinct().Order())}) on {firings.SelectMany(g => g).Select(f => f.Instance).Distinct().Count()} instances");
        Assert.All(firings, g => Assert.True(g.Select(f => f.EntryId).Distinct().Count() == 1 && g.Select(f => f.Instance).Distinct().Count() == 1,
            $"{g.Key.Trigger} at {g.Key.ScheduledAt} executed as {string.Join(", ", g.Select(f => $"{f.EntryId}@{f.Instance}"))}"));
        Assert.True(firings.Count(g => g.Key.Trigger.StartsWith("SendCampaignsJob", StringComparison.Ordinal)) >= 2, "Fewer than two executions of the send job were seen.");
        Assert.True(firings.Count >= 3, $"Only {firings.Count} executed firings were seen.");

        // Every member has one message record; all were sent but the one the kill may have caught in its hand-over,
        // which is not sent again (so that nobody gets it twice). Nobody received a message twice.
        var byStatus = (await cluster.RowsAsync($"SELECT \"Status\", COUNT(*) {messages} GROUP BY \"Status\"")).ToDictionary(r => r[0]!, r => int.Parse(r[1]!, System.Globalization.CultureInfo.InvariantCulture));
        output.WriteLine($"message records: {string.Join(", ", byStatus.Select(s => $"{s.Key} {s.Value}"))}");
        Assert.Equal(Members, await cluster.ScalarAsync($"SELECT COUNT(DISTINCT \"MemberId\") {messages}"));
        Assert.Equal(Members, byStatus.Values.Sum());
        Assert.InRange(byStatus.GetValueOrDefault("Interrupted"), 0, 1);
        Assert.Equal(Members, byStatus.GetValueOrDefault("Sent") + byStatus.GetValueOrDefault("Interrupted"));
        Assert.True(byStatus["Sent"] > sentBeforeKill, "Nothing was sent after the kill.");
        var received = smtp.Messages().Select(m => m.To.Mailboxes.Single().Address).ToList();
        Assert.Equal(received.Count, received.Distinct().Count());
        var handedOver = (await cluster.RowsAsync($"SELECT \"Address\" {messages} AND \"Status\" IN ('Sent', 'Interrupted')")).Select(r => r[0]!).ToHashSet();
        Assert.Subset(handedOver, received.ToHashSet());
        Assert.InRange(received.Count, byStatus["Sent"], Members);
        output.WriteLine($"done at {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static async Task<Guid> CreatedIdAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }
}
