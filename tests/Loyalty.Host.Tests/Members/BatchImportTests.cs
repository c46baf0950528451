using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Members;

/// <summary>The transactions import records a batch at once; what it comes to must be what posting the rows one by one does.</summary>
public sealed class BatchImportTests : IDisposable
{
    private static readonly object[] Ladder =
    [
        new { code = "bronze", name = "Bronze", rank = 1, threshold = 0, earningMultiplier = 1.0m },
        new { code = "silver", name = "Silver", rank = 2, threshold = 500, earningMultiplier = 1.25m },
        new { code = "gold", name = "Gold", rank = 3, threshold = 1000, earningMultiplier = 1.5m },
    ];

    private static readonly string[] MemberExternalIds = ["shop-1", "shop-2", "shop-3"];

    private readonly string _folder = Directory.CreateTempSubdirectory("loyalty-batch-import-tests-").FullName;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_batch_of_transactions_ends_exactly_as_posting_them_one_by_one_would(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Modules:Members:Imports:Directory"] = _folder,
            ["Modules:Members:Imports:BatchSize"] = "50",
        });
        var imported = await ProgramAsync(host);
        var posted = await ProgramAsync(host);
        var at = host.Clock.GetUtcNow().AddHours(-6);
        object Purchase(string id, string member, long total, int minutes) => new
        {
            externalId = id, memberExternalId = member, occurredAt = at.AddMinutes(minutes), currency = "EUR", total, channel = "pos",
            lines = new[] { new { sku = "coffee", quantity = 2, unitPrice = total / 2 } },
        };
        object Return(string id, string original, params string[] skus) => new
        {
            externalId = id, type = "return", originalExternalId = original, memberExternalId = "shop-1", occurredAt = at.AddMinutes(100),
            currency = "EUR", total = 15_000 * skus.Length, lines = skus.Select(sku => new { sku, quantity = 1, unitPrice = 15_000 }).ToArray(),
        };
        object[] transactions =
        [
            Purchase("T-1", "shop-1", 30_000, 1),
            Purchase("T-2", "shop-2", 10_000, 2),
            Purchase("T-3", "shop-1", 30_000, 3), // shop-1 reaches silver (600) …
            Purchase("T-4", "shop-1", 20_000, 4), // … and earns 1.25 × from the next purchase on
            Purchase("T-1", "shop-1", 30_000, 1), // the same again: already there
            Purchase("T-2", "shop-2", 99_000, 2), // other content under a known id: a conflict
            new { externalId = "T-5", cardNumber = "C-404", occurredAt = at, currency = "EUR", total = 1_000 }, // nobody has the card yet: held
            new { externalId = "T-5", cardNumber = "C-404", occurredAt = at, currency = "EUR", total = 1_000 }, // held again
            new { externalId = "T-6", memberExternalId = "nobody", type = "return", originalExternalId = "T-1", occurredAt = at, currency = "EUR", total = 100 },
            Purchase("T-7", "shop-3", 10_000, 5), // suspended: refused
            Return("R-1", "T-3", "coffee", "tea"), // tea was not bought: refused, and nothing of it stays
            Return("R-2", "T-3", "coffee"),
            Purchase("T-8", "shop-1", 20_000, 6),
            Purchase("T-9", "shop-2", 60_000, 7), // shop-2 reaches silver (700) …
            Purchase("T-10", "shop-2", 30_000, 8), // … and gold (1075) at 1.25 ×
            Purchase("T-11", "shop-2", 10_000, 9),
            new { externalId = "T-12", memberExternalId = "shop-1", occurredAt = at, currency = "USD", total = 100 }, // invalid
        ];

        var statuses = new List<HttpStatusCode>();
        foreach (var transaction in transactions)
        {
            statuses.Add((await posted.Pos.PostAsJsonAsync(posted.Transactions, transaction)).StatusCode);
        }

        var job = await ImportAsync(imported, string.Join('\n', transactions.Select(t => JsonSerializer.Serialize(t, JsonSerializerOptions.Web))));

        Assert.Equal(
            [
                HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Conflict,
                HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.NotFound, HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity,
                HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.BadRequest,
            ],
            statuses);
        var expectedErrors = statuses.Select((status, i) => (Line: i + 1L, Field: status switch
        {
            HttpStatusCode.Conflict => "externalId",
            HttpStatusCode.NotFound => "memberId",
            HttpStatusCode.UnprocessableEntity => "transaction",
            HttpStatusCode.BadRequest => "currency",
            _ => null,
        })).Where(e => e.Field is not null).ToList();
        var errors = await imported.Pos.GetFromJsonAsync<ErrorPage>($"/api/members/programs/{imported.Program}/imports/{job.Id}/errors?limit=100");
        Assert.Equal(expectedErrors, errors!.Items.Select(e => (e.LineNumber, (string?)e.Field)).ToList());
        Assert.Equal(("completed", 17L, 11L, 1L, 5L), (job.Status, job.RowsRead, job.RowsSucceeded, job.RowsSkipped, job.RowsFailed));

        var expected = await OutcomeAsync(posted);
        var actual = await OutcomeAsync(imported);
        Assert.Equal(expected.Balances, actual.Balances);
        Assert.Equal(expected.Entries, actual.Entries);
        Assert.Equal(expected.Tiers, actual.Tiers);
        Assert.Equal(expected.TierChanges, actual.TierChanges);
        Assert.Equal(["silver", "gold", null], actual.Tiers);
        Assert.Empty((await imported.Admin.GetFromJsonAsync<List<object>>($"/api/members/programs/{imported.Program}/ledger-check"))!);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<MembersApi> ProgramAsync(LoyaltyHost host)
    {
        var api = await MembersApi.CreateAsync(host, new { retroClaimDays = 30 });
        (await api.Admin.PutAsJsonAsync($"/api/members/programs/{api.Program}/tiers", new { basis = "QualifyingPoints", window = "Rolling12Months", tiers = Ladder }))
            .EnsureSuccessStatusCode();
        foreach (var externalId in MemberExternalIds)
        {
            await api.EnrollAsync(externalId);
        }

        var suspended = await MemberAsync(api, "shop-3");
        (await api.Admin.PostAsJsonAsync($"{api.Members}/{suspended.Id}/status", new { status = "suspended", reason = "fraud check" })).EnsureSuccessStatusCode();
        return api;
    }

    private static async Task<Job> ImportAsync(MembersApi api, string ndjson)
    {
        var response = await api.Pos.PostAsync(
            $"/api/members/programs/{api.Program}/imports?kind=transactions&fileName=transactions.ndjson", new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            var job = (await api.Pos.GetFromJsonAsync<Job>(response.Headers.Location!))!;
            if (job.Status is "completed" or "failed")
            {
                return job;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The import did not finish within a minute.");
    }

    private static async Task<MemberView> MemberAsync(MembersApi api, string externalId) =>
        (await api.Admin.GetFromJsonAsync<MemberView>($"{api.Members}/by/externalId/{externalId}"))!;

    /// <summary>Each member's balances, ledger entries (without ids and times), tier and tier changes, members in a fixed order.</summary>
    private static async Task<Outcome> OutcomeAsync(MembersApi api)
    {
        var balances = new List<string>();
        var entries = new List<string>();
        var tiers = new List<string?>();
        var changes = new List<string>();
        foreach (var externalId in MemberExternalIds)
        {
            var member = await MemberAsync(api, externalId);
            tiers.Add(member.Tier);
            balances.AddRange((await api.Admin.GetFromJsonAsync<List<MembersApi.Balance>>($"{api.Members}/{member.Id}/balances"))!
                .Select(b => $"{externalId} {b.Currency} {b.Available} {b.Pending}"));
            entries.AddRange((await api.Admin.GetFromJsonAsync<LedgerPage>($"{api.Members}/{member.Id}/ledger?limit=100"))!.Items
                .Select(e => $"{externalId} {e.Currency} {e.Type} {e.Points} {e.ReferenceType}/{e.ReferenceId}").Order(StringComparer.Ordinal));
            changes.AddRange((await api.Admin.GetFromJsonAsync<List<TierChange>>($"{api.Members}/{member.Id}/tier-history"))!
                .Select(c => $"{externalId} {c.FromTier}->{c.ToTier} {c.Reason} {c.QualifyingValue}").Order(StringComparer.Ordinal));
        }

        return new Outcome(balances, entries, tiers, changes);
    }

    private sealed record Outcome(List<string> Balances, List<string> Entries, List<string?> Tiers, List<string> TierChanges);

    private sealed record MemberView(Guid Id, string? Tier);

    private sealed record LedgerPage(List<LedgerEntry> Items, Guid? Next);

    private sealed record LedgerEntry(string Currency, string Type, long Points, string ReferenceType, string ReferenceId);

    private sealed record TierChange(string? FromTier, string? ToTier, string Reason, long QualifyingValue);

    private sealed record Job(Guid Id, string Status, long RowsRead, long RowsSucceeded, long RowsSkipped, long RowsFailed);

    private sealed record Error(long LineNumber, string Field, string Reason);

    private sealed record ErrorPage(List<Error> Items, Guid? Next);
}
