using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Connectors;

/// <summary>The sync engine end to end against the CSV-folder connector: a folder of contacts.csv is the CRM.</summary>
public sealed class SyncTests : IDisposable
{
    private const string Header = "Id,ModifiedAt,IsDeleted,LoyaltyId,Email,FirstName,Points,Tier";
    private readonly string _folder = Directory.CreateTempSubdirectory("sync-csv-").FullName;

    private string Contacts => Path.Combine(_folder, "contacts.csv");

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Mappings_that_do_not_fit_the_discovered_object_are_refused_naming_each_mapping(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        File.WriteAllText(Contacts, Header + "\n");
        var connection = await CreateConnectionAsync(api.Admin);

        var refused = await api.Admin.PutAsJsonAsync($"/api/connectors/connections/{connection}/sync", new
        {
            program = api.Program, @object = "contacts", externalIdField = "LoyaltyId",
            mappings = new object[]
            {
                new { direction = "inbound", loyaltyField = "birthDate", crmField = "Email", transforms = new[] { new { kind = "date" } } },
                new { direction = "inbound", loyaltyField = "email", crmField = "Mail" },
                new { direction = "outbound", loyaltyField = "pointsBalance", crmField = "Id" },
                new { direction = "outbound", loyaltyField = "tier", crmField = "Tier", conflict = "crm-wins" },
                new { direction = "inbound", loyaltyField = "pointsBalance", crmField = "Points", conflict = "whoever" },
            },
        });
        var accepted = await api.Admin.PutAsJsonAsync($"/api/connectors/connections/{connection}/sync", Setup(api.Program));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(
            ["mappings[0].transforms[0].format", "mappings[1].crmField", "mappings[2].crmField", "mappings[3].conflict", "mappings[4].conflict", "mappings[4].loyaltyField"],
            errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("contacts has no field 'Mail'.", errors.GetProperty("mappings[1].crmField")[0].GetString());
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Contacts_flow_in_as_members_and_points_flow_back_without_echoing_changes(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        var existing = await api.EnrollAsync("shop-7", "grace@example.com");
        var at = Stamp(host.Clock.GetUtcNow().AddHours(-1));
        File.WriteAllText(Contacts, string.Join('\n',
            Header,
            $"c1,{at},false,,  Ada@Example.com ,Ada,,",
            $"c2,{at},false,,bob@example.com,Bob,,",
            $"c3,{at},false,,GRACE@example.com,Grace,,",
            $"c4,{at},false,,not-an-email,Dan,,",
            $"c5,{at},false,,eve@example.com,Eve,,") + "\n");
        var connection = await CreateConnectionAsync(api.Admin);
        (await api.Admin.PutAsJsonAsync($"/api/connectors/connections/{connection}/sync", Setup(api.Program))).EnsureSuccessStatusCode();

        var first = await RunAsync(host, api.Admin, connection);
        var ada = await FindAsync(api, "ada@example.com");
        var grace = await FindAsync(api, "grace@example.com");
        var deadLetters = await api.Admin.GetFromJsonAsync<List<DeadLetterView>>($"/api/connectors/connections/{connection}/dead-letters");

        Assert.Equal("completed", first.Status);
        Assert.True(first.FullLoad);
        Assert.Equal(3, first.Pages);
        Assert.Equal(new CountsView(5, 3, 1, 0, 1, 0), first.Inbound);
        Assert.NotNull(ada);
        Assert.Equal("Ada", ada.FirstName);
        Assert.Equal(existing, grace!.Id);
        Assert.Equal("c4", Assert.Single(deadLetters!).RecordKey);
        Assert.Equal("invalid email", deadLetters![0].ErrorMessage);

        await host.DeliverMembersEventsAsync();
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await RunAsync(host, api.Admin, connection);
        var rows = ReadContacts();

        Assert.Equal(4, first.Outbound.Sent + second.Outbound.Sent);
        Assert.Equal("0", rows["c1"]["Points"]);
        Assert.Equal(ada.Id.ToString(), rows["c1"]["LoyaltyId"]);
        Assert.Equal(grace.Id.ToString(), rows["c3"]["LoyaltyId"]);
        Assert.Equal(5, rows.Count);

        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var third = await RunAsync(host, api.Admin, connection);

        Assert.Equal(0, third.Inbound.Updated + third.Inbound.Created);
        Assert.Equal(0, third.Outbound.Sent);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_field_changed_on_both_sides_is_resolved_by_its_policy_and_recorded_with_both_values(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        File.WriteAllText(Contacts, $"{Header}\nc1,{Stamp(host.Clock.GetUtcNow().AddHours(-1))},false,,ada@example.com,Ada,,\n");
        var connection = await CreateConnectionAsync(api.Admin);
        (await api.Admin.PutAsJsonAsync($"/api/connectors/connections/{connection}/sync", Setup(api.Program, firstNamePolicy: "loyalty-wins"))).EnsureSuccessStatusCode();
        await RunAsync(host, api.Admin, connection);
        var ada = (await FindAsync(api, "ada@example.com"))!;
        await host.DeliverMembersEventsAsync();
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await RunAsync(host, api.Admin, connection);

        var etag = (await api.Admin.GetAsync($"{api.Members}/{ada.Id}")).Headers.ETag!.Tag;
        using var edit = new HttpRequestMessage(HttpMethod.Put, $"{api.Members}/{ada.Id}/profile") { Content = JsonContent.Create(new { email = "ada@example.com", firstName = "Augusta" }) };
        edit.Headers.IfMatch.Add(new(etag));
        (await api.Admin.SendAsync(edit)).EnsureSuccessStatusCode();
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var rows = ReadContacts();
        File.WriteAllText(Contacts, $"{Header}\nc1,{Stamp(host.Clock.GetUtcNow())},false,{ada.Id},ada@example.com,Ada Lovelace,{rows["c1"]["Points"]},\n");
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var run = await RunAsync(host, api.Admin, connection);
        var conflicts = await api.Admin.GetFromJsonAsync<List<ConflictView>>($"/api/connectors/connections/{connection}/runs/{run.Id}/conflicts");
        await host.DeliverMembersEventsAsync();
        var after = await RunAsync(host, api.Admin, connection);

        Assert.Equal(1, run.Inbound.Conflicts);
        var conflict = Assert.Single(conflicts!);
        Assert.Equal(("firstName", "FirstName", "Augusta", "Ada Lovelace", "loyalty-wins", "loyalty"),
            (conflict.LoyaltyField, conflict.CrmField, conflict.LoyaltyValue, conflict.CrmValue, conflict.Policy, conflict.Winner));
        Assert.Equal("Augusta", (await FindAsync(api, "ada@example.com"))!.FirstName);
        Assert.Equal("Augusta", ReadContacts()["c1"]["FirstName"]);
        Assert.True(run.Outbound.Sent + after.Outbound.Sent >= 1);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_run_stopped_mid_way_resumes_from_its_cursor_and_creates_every_member_exactly_once(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider, schedulerHeld: true);
        var api = await MembersApi.CreateAsync(host);
        var at = host.Clock.GetUtcNow().AddHours(-1);
        File.WriteAllLines(Contacts, [Header, .. Enumerable.Range(1, 120).Select(i => $"c{i:D3},{Stamp(at.AddSeconds(i / 3))},false,,m{i}@example.com,M{i},,")]);
        var connection = await CreateConnectionAsync(api.Admin);
        (await api.Admin.PutAsJsonAsync($"/api/connectors/connections/{connection}/sync", Setup(api.Program, pageSize: 7))).EnsureSuccessStatusCode();
        host.Clock.Advance(TimeSpan.FromMinutes(16));

        using (var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(400)))
        {
            try
            {
                await host.RunJobAsync("connectors", "RunSyncsJob", stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        var started = Assert.Single((await api.Admin.GetFromJsonAsync<List<RunView>>($"/api/connectors/connections/{connection}/runs"))!);
        var resumed = await WaitAsync(host, api.Admin, connection, started.Id);
        var members = new List<MemberView>();
        for (Guid? after = null; ;)
        {
            var page = (await api.Admin.GetFromJsonAsync<MemberPageView>($"{api.Members}?limit=100{(after is null ? "" : $"&after={after}")}"))!;
            members.AddRange(page.Items);
            if ((after = page.Next) is null)
            {
                break;
            }
        }

        Assert.Equal("completed", resumed.Status);
        Assert.Equal(120, members.Count);
        Assert.Equal(120, members.Select(m => m.Email).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_contacts_dead_letters_are_exported_and_erased_with_the_member_it_is_linked_to_or_became(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        var at = Stamp(host.Clock.GetUtcNow().AddHours(-1));
        File.WriteAllText(Contacts, string.Join('\n', Header, $"c1,{at},false,,ada@example.com,Ada,,", $"c4,{at},false,,not-an-email,Dan,,") + "\n");
        var connection = await CreateConnectionAsync(api.Admin);
        (await api.Admin.PutAsJsonAsync($"/api/connectors/connections/{connection}/sync", Setup(api.Program))).EnsureSuccessStatusCode();
        await RunAsync(host, api.Admin, connection);
        var ada = (await FindAsync(api, "ada@example.com"))!;

        // Ada's contact gets an email Members refuses; Dan's is corrected and becomes a member linked to it.
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var later = Stamp(host.Clock.GetUtcNow());
        File.WriteAllText(Contacts, string.Join('\n', Header, $"c1,{later},false,{ada.Id},not-an-email,Ada,,", $"c4,{later},false,,dan@example.com,Dan,,") + "\n");
        await RunAsync(host, api.Admin, connection);
        var dan = (await FindAsync(api, "dan@example.com"))!;
        var letters = (await api.Admin.GetFromJsonAsync<List<DeadLetterView>>($"/api/connectors/connections/{connection}/dead-letters"))!;

        using var scope = host.Services.CreateScope();
        var connectors = scope.ServiceProvider.GetServices<Loyalty.Shared.Contracts.IPersonalDataProvider>().Single(p => p.Module == "connectors");
        var adaExport = await ExportAsync(connectors, ada.Id);
        var danExport = await ExportAsync(connectors, dan.Id);
        await connectors.EraseAsync(ada.Id, CancellationToken.None);
        await connectors.EraseAsync(dan.Id, CancellationToken.None);
        var left = (await api.Admin.GetFromJsonAsync<List<DeadLetterView>>($"/api/connectors/connections/{connection}/dead-letters"))!;

        Assert.Equal(["c1", "c4"], letters.Select(l => l.RecordKey).Order(StringComparer.Ordinal));
        Assert.Contains("Ada", Assert.Single(adaExport.GetProperty("deadLetters").EnumerateArray()).GetProperty("payload").GetString(), StringComparison.Ordinal);
        Assert.Contains("Dan", Assert.Single(danExport.GetProperty("deadLetters").EnumerateArray()).GetProperty("payload").GetString(), StringComparison.Ordinal);
        Assert.Empty(left);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_discarded_dead_letter_keeps_no_record_data_and_a_second_discard_changes_nothing(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        File.WriteAllText(Contacts, $"{Header}\nc4,{Stamp(host.Clock.GetUtcNow().AddHours(-1))},false,,not-an-email,Dan,,\n");
        var connection = await CreateConnectionAsync(api.Admin);
        (await api.Admin.PutAsJsonAsync($"/api/connectors/connections/{connection}/sync", Setup(api.Program))).EnsureSuccessStatusCode();
        await RunAsync(host, api.Admin, connection);
        var letters = $"/api/connectors/connections/{connection}/dead-letters";
        var letter = Assert.Single((await api.Admin.GetFromJsonAsync<List<JsonElement>>(letters))!);
        var id = letter.GetProperty("id").GetGuid();

        var first = await api.Admin.PostAsync($"{letters}/{id}/discard", null);
        var second = await api.Admin.PostAsync($"{letters}/{id}/discard", null);
        var unknown = await api.Admin.PostAsync($"{letters}/{Guid.NewGuid()}/discard", null);
        var open = (await api.Admin.GetFromJsonAsync<List<JsonElement>>(letters))!;
        var discarded = Assert.Single((await api.Admin.GetFromJsonAsync<List<JsonElement>>($"{letters}?status=discarded"))!);

        Assert.Contains("Dan", letter.GetProperty("payload").GetString(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.NotFound), (first.StatusCode, second.StatusCode, unknown.StatusCode));
        Assert.Empty(open);
        Assert.Equal(("c4", "discarded", "{}"), (discarded.GetProperty("recordKey").GetString(), discarded.GetProperty("status").GetString(), discarded.GetProperty("payload").GetString()));
        var audit = await api.Admin.GetFromJsonAsync<JsonElement>("/api/admin/audit?module=connectors&limit=200");
        Assert.Single(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "connectors.dead-letter.discard");
    }

    private static async Task<JsonElement> ExportAsync(Loyalty.Shared.Contracts.IPersonalDataProvider provider, Guid member)
    {
        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            await provider.ExportAsync(member, writer, CancellationToken.None);
        }

        return JsonDocument.Parse(buffer.ToArray()).RootElement.Clone();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static object Setup(string program, string firstNamePolicy = "crm-wins", int pageSize = 2) => new
    {
        program, @object = "contacts", externalIdField = "LoyaltyId", pageSize, lookBackSeconds = 60,
        mappings = new object[]
        {
            new { direction = "inbound", loyaltyField = "email", crmField = "Email", transforms = new[] { new { kind = "trim" }, new { kind = "lower" } } },
            new { direction = "inbound", loyaltyField = "firstName", crmField = "FirstName", conflict = firstNamePolicy },
            new { direction = "outbound", loyaltyField = "firstName", crmField = "FirstName" },
            new { direction = "outbound", loyaltyField = "pointsBalance", crmField = "Points" },
            new { direction = "outbound", loyaltyField = "tier", crmField = "Tier" },
        },
    };

    private async Task<Guid> CreateConnectionAsync(HttpClient admin)
    {
        var created = await admin.PostAsJsonAsync("/api/connectors/connections", new { name = "crm", connectorId = "csv-folder", settings = new { folder = _folder, externalIdColumns = "LoyaltyId,Id" } });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>Asks for a run and runs the sync job until it is done: the host's own trigger may be running it too.</summary>
    private static async Task<RunView> RunAsync(LoyaltyHost host, HttpClient admin, Guid connection)
    {
        var response = await admin.PostAsync($"/api/connectors/connections/{connection}/runs", null);
        // 409 while the host's own trigger has a run queued or running: that run is the one to wait for.
        Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var run = (await admin.GetFromJsonAsync<RunView>($"/api/connectors/connections/{connection}/runs/{(response.StatusCode == HttpStatusCode.Conflict ? body.GetProperty("runId") : body.GetProperty("id")).GetGuid()}"))!;
        return await WaitAsync(host, admin, connection, run.Id);
    }

    private static async Task<RunView> WaitAsync(LoyaltyHost host, HttpClient admin, Guid connection, Guid runId)
    {
        // Up to two minutes: on a loaded machine the host's own trigger may hold the job for a while.
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        while (waiting.Elapsed < TimeSpan.FromMinutes(2))
        {
            await host.RunJobAsync("connectors", "RunSyncsJob");
            var run = (await admin.GetFromJsonAsync<RunView>($"/api/connectors/connections/{connection}/runs/{runId}"))!;
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

    private Dictionary<string, Dictionary<string, string>> ReadContacts()
    {
        var lines = File.ReadAllLines(Contacts);
        var columns = lines[0].Split(',');
        return lines.Skip(1).Where(l => l.Length > 0).Select(l => columns.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second))
            .ToDictionary(r => r["Id"]);
    }

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private sealed record RunView(Guid Id, string Status, bool FullLoad, int Pages, CountsView Inbound, OutboundView Outbound, string? Error);

    private sealed record CountsView(long Read, long Created, long Updated, long Skipped, long Failed, long Conflicts);

    private sealed record OutboundView(long Sent, long Skipped, long Failed);

    private sealed record DeadLetterView(Guid Id, string Direction, string RecordKey, string ErrorCode, string ErrorMessage, string Status);

    private sealed record ConflictView(string LoyaltyField, string CrmField, string? LoyaltyValue, string? CrmValue, string Policy, string Winner);

    private sealed record MemberPageView(List<MemberView> Items, Guid? Next);

    private sealed record MemberView(Guid Id, string? Email, string? FirstName);
}
