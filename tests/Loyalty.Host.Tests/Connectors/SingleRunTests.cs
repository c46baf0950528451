using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Connectors;

/// <summary>A connection has at most one unfinished sync run, whichever node or trigger asks for another.</summary>
public sealed class SingleRunTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("single-run-csv-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_second_run_asked_for_on_any_node_while_one_is_unfinished_is_refused_with_409_and_the_schedule_skips_it(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider, schedulerHeld: true);
        await using var node = host.AnotherNode();
        var api = await MembersApi.CreateAsync(host);
        var otherAdmin = await node.SignedInAdminAsync();
        var stamp = host.Clock.GetUtcNow().AddHours(-1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(_folder, "contacts.csv"), $"Id,ModifiedAt,IsDeleted,LoyaltyId,Email\nc1,{stamp},false,,ada@example.com\n");
        var created = await api.Admin.PostAsJsonAsync("/api/connectors/connections", new { name = "crm", connectorId = "csv-folder", settings = new { folder = _folder, externalIdColumns = "LoyaltyId,Id" } });
        var connection = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await api.Admin.PutAsJsonAsync($"/api/connectors/connections/{connection}/sync", new
        {
            program = api.Program, @object = "contacts", externalIdField = "LoyaltyId", intervalMinutes = 15,
            mappings = new object[] { new { direction = "inbound", loyaltyField = "email", crmField = "Email" } },
        })).EnsureSuccessStatusCode();
        var runs = $"/api/connectors/connections/{connection}/runs";

        // A manual run is queued; the other node's admin asks for another one and the other node's schedule comes due.
        var first = await api.Admin.PostAsync(runs, null);
        var queued = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var second = await otherAdmin.PostAsync(runs, null);
        var problem = await second.Content.ReadFromJsonAsync<JsonElement>();
        host.Clock.Advance(TimeSpan.FromMinutes(16));
        node.Clock.Advance(TimeSpan.FromMinutes(16));
        await node.RunJobAsync("connectors", "RunSyncsJob");
        var history = (await api.Admin.GetFromJsonAsync<List<RunView>>(runs))!;

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType!.MediaType);
        Assert.Equal(("urn:loyalty:connectors:run-in-progress", queued, "queued"),
            (problem.GetProperty("type").GetString(), problem.GetProperty("runId").GetGuid(), problem.GetProperty("runStatus").GetString()));
        Assert.Equal([(queued, "completed")], history.Select(r => (r.Id, r.Status)));

        // Both nodes asked at the same moment: the database lets exactly one run in, every other answer names it.
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? api.Admin : otherAdmin).PostAsync(runs, null)));
        var bodies = await Task.WhenAll(answers.Select(a => a.Content.ReadFromJsonAsync<JsonElement>()));
        var unfinished = (await api.Admin.GetFromJsonAsync<List<RunView>>(runs))!.Where(r => r.Status is "queued" or "running").ToList();

        var winner = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Accepted);
        Assert.All(answers.Where(a => a != winner), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        var run = Assert.Single(unfinished).Id;
        Assert.Equal(run, bodies[Array.IndexOf(answers, winner)].GetProperty("id").GetGuid());
        Assert.All(bodies.Where((_, i) => answers[i] != winner), b => Assert.Equal(run, b.GetProperty("runId").GetGuid()));
    }

    private sealed record RunView(Guid Id, string Status);
}
