using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using Loyalty.Testing.Salesforce;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Loyalty.Host.Tests.Connectors;

/// <summary>Two-way sync through the real Salesforce plugin (loaded from plugins/) against the fake Salesforce.</summary>
public sealed class SalesforceSyncTests
{
    /// <summary>The profile, points, tier and enrolment mappings this class's tests sync with.</summary>
    private static readonly object[] ProfileMappings =
    [
        new { direction = "inbound", loyaltyField = "email", crmField = "Email", transforms = new[] { new { kind = "trim" }, new { kind = "lower" } } },
        new { direction = "inbound", loyaltyField = "firstName", crmField = "FirstName", conflict = "loyalty-wins" },
        new { direction = "inbound", loyaltyField = "lastName", crmField = "LastName", conflict = "crm-wins" },
        new { direction = "outbound", loyaltyField = "email", crmField = "Email" },
        new { direction = "outbound", loyaltyField = "firstName", crmField = "FirstName" },
        new { direction = "outbound", loyaltyField = "lastName", crmField = "LastName" },
        new { direction = "outbound", loyaltyField = "pointsBalance", crmField = "Loyalty_Points__c" },
        new { direction = "outbound", loyaltyField = "tier", crmField = "Loyalty_Tier__c" },
        new { direction = "outbound", loyaltyField = "enrolledAt", crmField = "Loyalty_Enrolled_On__c", transforms = new[] { new { kind = "date", format = "yyyy-MM-dd" } } },
    ];

    private static readonly object[] Ladder =
    [
        new { code = "bronze", name = "Bronze", rank = 1, threshold = 0, earningMultiplier = 1.0m },
        new { code = "silver", name = "Silver", rank = 2, threshold = 500, earningMultiplier = 1.25m },
    ];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Contacts_and_members_flow_both_ways_and_a_record_changed_on_both_sides_follows_each_fields_policy(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider, schedulerHeld: true);
        await using var crm = await FakeSalesforce.StartAsync(new FakeSalesforceOptions { TimeProvider = host.Clock });
        var api = await MembersApi.CreateAsync(host);
        (await api.Admin.PutAsJsonAsync($"/api/members/programs/{api.Program}/tiers", new { basis = "QualifyingPoints", window = "Rolling12Months", tiers = Ladder })).EnsureSuccessStatusCode();
        var adaRecord = crm.Seed(new JsonObject { ["FirstName"] = "Ada", ["LastName"] = "Lovelace", ["Email"] = " Ada@Example.com " });
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var connection = await ConnectAsync(api, crm);

        // A contact created in Salesforce becomes a member.
        var first = await RunAsync(host, api.Admin, connection);
        var ada = (await FindAsync(api, "ada@example.com"))!;

        Assert.Equal(("completed", 1L), (first.Status, first.Inbound.Created));
        Assert.Equal(("Ada", "Lovelace"), (ada.FirstName, ada.LastName));

        // An enrolment, points and a tier in the loyalty program flow to Salesforce.
        var enrolled = await api.Pos.PostAsJsonAsync(api.Members, new { externalId = "shop-1", email = "grace@example.com", firstName = "Grace", lastName = "Hopper", channel = "web" });
        var grace = (await enrolled.Content.ReadFromJsonAsync<MemberView>())!.Id;
        (await api.PurchaseAsync("T-1", ada.Id, 60_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        var points = (await api.PointsAsync(ada.Id)).Available;
        await host.DeliverMembersEventsAsync();
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await RunAsync(host, api.Admin, connection);
        var adaInCrm = crm.Find(adaRecord)!;
        var graceInCrm = Assert.Single(crm.FindBy("Loyalty_Id__c", grace.ToString()));

        Assert.Equal("completed", second.Status);
        Assert.Equal(2, second.Outbound.Sent);
        Assert.Equal((ada.Id.ToString(), points.ToString(System.Globalization.CultureInfo.InvariantCulture), "silver"),
            (adaInCrm["Loyalty_Id__c"], adaInCrm["Loyalty_Points__c"], adaInCrm["Loyalty_Tier__c"]));
        Assert.True(points > 0);
        Assert.Equal(("Grace", "Hopper", "grace@example.com", "0"), (graceInCrm["FirstName"], graceInCrm["LastName"], graceInCrm["Email"], graceInCrm["Loyalty_Points__c"]));
        Assert.Equal(host.Clock.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), graceInCrm["Loyalty_Enrolled_On__c"]);
        Assert.Equal(2, crm.Contacts.Count);

        // Our own writes do not come back as changes; an edit in Salesforce does, and a profile edit goes out.
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        crm.EditInSalesforce(adaRecord, new JsonObject { ["Email"] = "ada.lovelace@example.com" });
        await EditProfileAsync(api, grace, new { email = "grace@example.com", firstName = "Amazing Grace", lastName = "Hopper" });
        await host.DeliverMembersEventsAsync();
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var third = await RunAsync(host, api.Admin, connection);

        Assert.Equal((0L, 1L), (third.Inbound.Created, third.Inbound.Updated));
        Assert.Equal(ada.Id, (await FindAsync(api, "ada.lovelace@example.com"))!.Id);
        Assert.Equal("Amazing Grace", crm.Find(graceInCrm.Id)!["FirstName"]);

        // Changed on both sides: firstName is loyalty-wins, lastName crm-wins; both conflicts keep both values.
        await host.DeliverMembersEventsAsync();
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await RunAsync(host, api.Admin, connection);
        await EditProfileAsync(api, ada.Id, new { email = "ada.lovelace@example.com", firstName = "Augusta", lastName = "King" });
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        crm.EditInSalesforce(adaRecord, new JsonObject { ["FirstName"] = "Ada L.", ["LastName"] = "Byron" });
        await host.DeliverMembersEventsAsync();
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var both = await RunAsync(host, api.Admin, connection);
        var conflicts = (await api.Admin.GetFromJsonAsync<List<ConflictView>>($"/api/connectors/connections/{connection}/runs/{both.Id}/conflicts"))!;
        var member = (await FindAsync(api, "ada.lovelace@example.com"))!;

        Assert.Equal(2, both.Inbound.Conflicts);
        Assert.Equal(
            [("firstName", "Augusta", "Ada L.", "loyalty-wins", "loyalty"), ("lastName", "King", "Byron", "crm-wins", "crm")],
            conflicts.Select(c => (c.LoyaltyField, c.LoyaltyValue, c.CrmValue, c.Policy, c.Winner)).OrderBy(c => c.LoyaltyField, StringComparer.Ordinal));
        Assert.Equal(("Augusta", "Byron"), (member.FirstName, member.LastName));
        Assert.Equal(("Augusta", "Byron"), (crm.Find(adaRecord)!["FirstName"], crm.Find(adaRecord)!["LastName"]));
        Assert.Equal(2, crm.Contacts.Count);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_record_Salesforce_refuses_waits_in_the_dead_letters_until_an_admin_retries_it_and_is_then_written_once(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider, schedulerHeld: true);
        await using var crm = await FakeSalesforce.StartAsync(new FakeSalesforceOptions { TimeProvider = host.Clock });
        var api = await MembersApi.CreateAsync(host);
        var connection = await ConnectAsync(api, crm);
        var enrolled = await api.Pos.PostAsJsonAsync(api.Members, new { externalId = "shop-1", email = "grace@example.com", firstName = "Grace", lastName = "Hopper", channel = "web" });
        var grace = (await enrolled.Content.ReadFromJsonAsync<MemberView>())!.Id;
        crm.RefuseWrites(grace.ToString());
        await host.DeliverMembersEventsAsync();

        var refused = await RunAsync(host, api.Admin, connection);
        var letters = (await api.Admin.GetFromJsonAsync<List<DeadLetterView>>($"/api/connectors/connections/{connection}/dead-letters"))!;

        Assert.Equal((0L, 1L), (refused.Outbound.Sent, refused.Outbound.Failed));
        var letter = Assert.Single(letters);
        Assert.Equal(("outbound", grace.ToString(), "FIELD_CUSTOM_VALIDATION_EXCEPTION"), (letter.Direction, letter.RecordKey, letter.ErrorCode));
        Assert.Empty(crm.Contacts);

        crm.AcceptWrites(grace.ToString());
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var retry = await api.Admin.PostAsync($"/api/connectors/connections/{connection}/dead-letters/{letter.Id}/retry", null);
        var retried = await RunAsync(host, api.Admin, connection);
        var again = await api.Admin.PostAsync($"/api/connectors/connections/{connection}/dead-letters/{letter.Id}/retry", null);
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var after = await RunAsync(host, api.Admin, connection);

        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(1, retried.Outbound.Sent);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(0, after.Outbound.Sent);
        Assert.Equal("Hopper", Assert.Single(crm.FindBy("Loyalty_Id__c", grace.ToString()))["LastName"]);
        Assert.Single(crm.Contacts);
        Assert.Empty((await api.Admin.GetFromJsonAsync<List<DeadLetterView>>($"/api/connectors/connections/{connection}/dead-letters"))!);
        Assert.Equal(letter.Id, Assert.Single((await api.Admin.GetFromJsonAsync<List<DeadLetterView>>($"/api/connectors/connections/{connection}/dead-letters?status=resolved"))!).Id);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_run_Salesforce_refuses_for_its_request_limit_stops_and_the_connection_waits_the_configured_pause_before_resuming(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(
            provider, new Dictionary<string, string?> { ["Modules:Connectors:RateLimitPause"] = "00:40:00" }, schedulerHeld: true);
        await using var crm = await FakeSalesforce.StartAsync(new FakeSalesforceOptions { TimeProvider = host.Clock });
        using var runMetrics = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), "Loyalty.Connectors", "loyalty.connectors.runs");
        // Each load of the plugin has its own meter of this name, so every one is listened to.
        var apiUsage = new System.Collections.Concurrent.ConcurrentQueue<long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listening) =>
            {
                if (instrument.Name == "loyalty.connectors.salesforce.api_usage")
                {
                    listening.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => apiUsage.Enqueue(value));
        listener.Start();
        var api = await MembersApi.CreateAsync(host);
        crm.Seed(new JsonObject { ["FirstName"] = "Ada", ["LastName"] = "Lovelace", ["Email"] = "ada@example.com" });
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var connection = await ConnectAsync(api, crm);
        var runs = $"/api/connectors/connections/{connection}/runs";

        crm.FailNext(FakeFault.RequestLimitExceeded);
        var stopped = await RunAsync(host, api.Admin, connection);
        // Past the 15-minute sync interval, within the pause: the schedule queues nothing.
        host.Clock.Advance(TimeSpan.FromMinutes(39));
        await host.RunJobAsync("connectors", "RunSyncsJob");
        var duringPause = (await api.Admin.GetFromJsonAsync<List<RunView>>(runs))!;
        host.Clock.Advance(TimeSpan.FromMinutes(2));
        await host.RunJobAsync("connectors", "RunSyncsJob");
        var afterPause = (await api.Admin.GetFromJsonAsync<List<RunView>>(runs))!;

        Assert.Equal("stopped", stopped.Status);
        Assert.Contains("rate limited", stopped.Error, StringComparison.Ordinal);
        Assert.Equal(0, stopped.Inbound.Created);
        Assert.Equal([stopped.Id], duringPause.Select(r => r.Id));
        Assert.Equal(2, afterPause.Count);
        Assert.Equal(("completed", 1L), (afterPause[0].Status, afterPause[0].Inbound.Created));
        Assert.NotNull(await FindAsync(api, "ada@example.com"));
        Assert.Equal(
            [("salesforce", "completed"), ("salesforce", "stopped")],
            runMetrics.GetMeasurementSnapshot().Select(m => ((string?)m.Tags["loyalty.connector"], (string?)m.Tags["loyalty.status"])).Order());
        Assert.Contains(apiUsage, used => used > 0);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_connection_that_spent_its_hourly_call_budget_stops_with_its_cursor_kept_and_resumes_when_the_hour_is_over(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider, schedulerHeld: true);
        await using var crm = await FakeSalesforce.StartAsync(new FakeSalesforceOptions { TimeProvider = host.Clock });
        var api = await MembersApi.CreateAsync(host);
        foreach (var name in new[] { "ada", "bob", "cy", "dee", "eve" })
        {
            crm.Seed(new JsonObject { ["FirstName"] = name, ["LastName"] = "Budget", ["Email"] = $"{name}@example.com" });
        }

        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var connection = await ConnectAsync(api, crm, ProfileMappings.Take(3).ToArray());
        var setup = $"/api/connectors/connections/{connection}/sync";
        var refused = await api.Admin.PutAsJsonAsync(setup, SetupBody(api, pageSize: 1, callsPerHour: 0));
        (await api.Admin.PutAsJsonAsync(setup, SetupBody(api, pageSize: 1, callsPerHour: 3))).EnsureSuccessStatusCode();

        var spent = await RunAsync(host, api.Admin, connection);
        var nextRunAt = (await api.Admin.GetFromJsonAsync<JsonElement>(setup)).GetProperty("nextRunAt").GetDateTimeOffset();
        // Past the 15-minute interval, within the hour: nothing is queued.
        host.Clock.Advance(TimeSpan.FromMinutes(30));
        await host.RunJobAsync("connectors", "RunSyncsJob");
        var duringHour = (await api.Admin.GetFromJsonAsync<List<RunView>>($"/api/connectors/connections/{connection}/runs"))!;
        host.Clock.Advance(TimeSpan.FromMinutes(31));
        await host.RunJobAsync("connectors", "RunSyncsJob");
        var afterHour = (await api.Admin.GetFromJsonAsync<List<RunView>>($"/api/connectors/connections/{connection}/runs"))!;

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("callsPerHour", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(("stopped", 3, 3L), (spent.Status, spent.Calls, spent.Inbound.Created));
        Assert.Contains("budget of 3 calls per hour is spent", spent.Error, StringComparison.Ordinal);
        Assert.Equal(host.Clock.GetUtcNow() - TimeSpan.FromMinutes(61) + TimeSpan.FromHours(1), nextRunAt, TimeSpan.FromSeconds(5));
        Assert.Equal([spent.Id], duringHour.Select(r => r.Id));
        Assert.Equal(2, afterHour.Count);
        // The rest, from the kept cursor.
        Assert.Equal(("completed", 2L), (afterHour[0].Status, afterHour[0].Inbound.Created));
        foreach (var name in new[] { "ada", "bob", "cy", "dee", "eve" })
        {
            Assert.NotNull(await FindAsync(api, $"{name}@example.com"));
        }
    }

    private static object SetupBody(MembersApi api, int pageSize, int callsPerHour) => new
    {
        program = api.Program, @object = "Contact", externalIdField = "Loyalty_Id__c", pageSize, callsPerHour, mappings = ProfileMappings.Take(3).ToArray(),
    };

    /// <summary>A connection to <paramref name="crm"/> syncing Contacts of the test program with <paramref name="mappings"/> (default: <see cref="ProfileMappings"/>).</summary>
    internal static async Task<Guid> ConnectAsync(MembersApi api, FakeSalesforce crm, object[]? mappings = null)
    {
        var created = await api.Admin.PostAsJsonAsync("/api/connectors/connections", new
        {
            name = "salesforce", connectorId = "salesforce",
            settings = new Dictionary<string, string> { ["loginUrl"] = crm.LoginUrl, ["clientId"] = "fake-client-id", ["clientSecret"] = "fake-client-secret" },
        });
        created.EnsureSuccessStatusCode();
        var connection = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var setup = await api.Admin.PutAsJsonAsync($"/api/connectors/connections/{connection}/sync", new
        {
            program = api.Program, @object = "Contact", externalIdField = "Loyalty_Id__c", pageSize = 200, lookBackSeconds = 60,
            mappings = mappings ?? ProfileMappings,
        });
        Assert.True(setup.IsSuccessStatusCode, await setup.Content.ReadAsStringAsync());
        return connection;
    }

    internal static async Task EditProfileAsync(MembersApi api, Guid member, object profile)
    {
        var etag = (await api.Admin.GetAsync($"{api.Members}/{member}")).Headers.ETag!.Tag;
        using var edit = new HttpRequestMessage(HttpMethod.Put, $"{api.Members}/{member}/profile") { Content = JsonContent.Create(profile) };
        edit.Headers.IfMatch.Add(new(etag));
        (await api.Admin.SendAsync(edit)).EnsureSuccessStatusCode();
    }

    internal static async Task<RunView> RunAsync(LoyaltyHost host, HttpClient admin, Guid connection)
    {
        var response = await admin.PostAsync($"/api/connectors/connections/{connection}/runs", null);
        // 409 while the host's own trigger has a run queued or running: that run is the one to wait for.
        Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var run = (await admin.GetFromJsonAsync<RunView>($"/api/connectors/connections/{connection}/runs/{(response.StatusCode == HttpStatusCode.Conflict ? body.GetProperty("runId") : body.GetProperty("id")).GetGuid()}"))!;
        for (var i = 0; i < 100; i++)
        {
            await host.RunJobAsync("connectors", "RunSyncsJob");
            run = (await admin.GetFromJsonAsync<RunView>($"/api/connectors/connections/{connection}/runs/{run.Id}"))!;
            if (run.Status is not ("queued" or "running"))
            {
                return run;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("the sync run did not finish");
    }

    private static async Task<MemberView?> FindAsync(MembersApi api, string email) =>
        (await api.Admin.GetFromJsonAsync<MemberPageView>($"{api.Members}?email={Uri.EscapeDataString(email)}"))!.Items.SingleOrDefault();

    internal sealed record RunView(Guid Id, string Status, bool FullLoad, int Pages, CountsView Inbound, OutboundView Outbound, string? Error, int Calls = 0);

    internal sealed record CountsView(long Read, long Created, long Updated, long Skipped, long Failed, long Conflicts);

    internal sealed record OutboundView(long Sent, long Skipped, long Failed);

    private sealed record DeadLetterView(Guid Id, string Direction, string RecordKey, string ErrorCode, string Status);

    private sealed record ConflictView(string LoyaltyField, string CrmField, string? LoyaltyValue, string? CrmValue, string Policy, string Winner);

    private sealed record MemberPageView(List<MemberView> Items, Guid? Next);

    private sealed record MemberView(Guid Id, string? Email, string? FirstName, string? LastName);
}
