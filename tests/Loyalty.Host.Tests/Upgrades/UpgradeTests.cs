using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Loyalty.Consent.Contracts;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Loyalty.Host.Tests.Upgrades;

/// <summary>
/// A database made and filled by the previous release (see previous-release/README.md) is migrated by this release at
/// start, and everything in it reads as before and takes new writes.
/// </summary>
public sealed class UpgradeTests
{
    private const string AdminPassword = "upgrade-admin-password";

    /// <summary>A voucher batch as the previous release made them: generated in its request, codes in the answer.</summary>
    private static readonly Guid OldVoucherBatch = Guid.Parse("0192f000-0000-7000-8000-00000000b001");

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly string[] AdminAndIntegrator = ["Admin", "Integrator"];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_database_of_the_previous_release_is_migrated_and_keeps_its_members_points_redemptions_and_consents(DatabaseProvider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        await RestorePreviousReleaseAsync(database);
        var expected = JsonSerializer.Deserialize<Expected>(
            await File.ReadAllTextAsync(Fixture($"expected-{provider.ToString().ToLowerInvariant()}.json")), Json)!;

        await using var host = LoyaltyHost.StartOn(database);
        using var admin = await AdminKeyClientAsync(host);
        var program = expected.Program;

        await using (var scope = host.Services.CreateAsyncScope())
        {
            foreach (var registration in scope.ServiceProvider.GetRequiredService<IEnumerable<ModuleDbContextRegistration>>())
            {
                var context = (DbContext)scope.ServiceProvider.GetRequiredService(registration.ServiceType);
                Assert.Empty(await context.Database.GetPendingMigrationsAsync());
            }

            Assert.Empty(await scope.ServiceProvider.GetRequiredService<ILedgerConsistency>().CheckAsync(null, CancellationToken.None));
            var gate = scope.ServiceProvider.GetRequiredService<IConsentGate>();
            Assert.True(await gate.MayContactAsync(expected.Members["grace"].Id, "email-marketing", "email", CancellationToken.None));
            Assert.False(await gate.MayContactAsync(expected.Members["ada"].Id, "email-marketing", "email", CancellationToken.None));
        }

        foreach (var (_, member) in expected.Members)
        {
            var path = $"/api/members/programs/{program}/members/{member.Id}";
            var profile = await admin.GetFromJsonAsync<MemberView>(path, Json);
            Assert.Equal(member.Email, profile!.Email);
            var balances = await admin.GetFromJsonAsync<List<Balance>>($"{path}/balances", Json);
            Assert.Equal(member.Balances.OrderBy(b => b.Currency), balances!.OrderBy(b => b.Currency));
            var ledger = await admin.GetFromJsonAsync<LedgerPage>($"{path}/ledger", Json);
            Assert.Equal(member.LedgerEntries, ledger!.Items.Count);
        }

        var redemption = await admin.GetFromJsonAsync<RedemptionView>($"/api/rewards/programs/{program}/redemptions/{expected.RedemptionId}", Json);
        Assert.Equal(expected.RewardId, redemption!.RewardId);

        var batch = await admin.GetFromJsonAsync<BatchView>($"/api/rewards/programs/{program}/voucher-batches/{OldVoucherBatch}", Json);
        Assert.Equal(("completed", 250, false), (batch!.Status, batch.Generated, batch.CodesAvailable));

        // The upgraded database takes new writes: a purchase earns on top of the old balance.
        var ada = expected.Members["ada"];
        var before = ada.Balances.Single(b => b.Currency == "points").Available;
        var purchase = await admin.PostAsJsonAsync($"/api/members/programs/{program}/transactions", new
        {
            externalId = "till-after-upgrade", memberId = ada.Id, occurredAt = host.Clock.GetUtcNow(), currency = "EUR", total = 1_000, channel = "pos",
            lines = new[] { new { sku = "latte", category = "coffee", quantity = 1, unitPrice = 1_000 } },
        });
        Assert.True(purchase.IsSuccessStatusCode, await purchase.Content.ReadAsStringAsync());
        var after = (await admin.GetFromJsonAsync<List<Balance>>($"/api/members/programs/{program}/members/{ada.Id}/balances", Json))!
            .Single(b => b.Currency == "points").Available;
        Assert.True(after > before, $"{after} points after the purchase, {before} before");
    }

    private static async Task RestorePreviousReleaseAsync(TestDatabase database)
    {
        switch (database.Provider)
        {
            case DatabaseProvider.Sqlite:
                var file = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
                await using (var compressed = File.OpenRead(Fixture("sqlite.db.gz")))
                await using (var gzip = new GZipStream(compressed, CompressionMode.Decompress))
                await using (var target = File.Create(file))
                {
                    await gzip.CopyToAsync(target);
                }

                await using (var connection = new SqliteConnection(database.ConnectionString))
                {
                    await connection.OpenAsync();
                    await using var insert = connection.CreateCommand();
                    insert.CommandText = """
                        INSERT INTO "rewards_VoucherBatches" ("Id", "ProgramCode", "Code", "Count", "HashOnly", "CreatedAt")
                        SELECT $id, 'upgrade-club', 'autumn-2026', 250, 1, "CreatedAt" FROM "rewards_Rewards" LIMIT 1
                        """;
                    insert.Parameters.AddWithValue("$id", OldVoucherBatch.ToString().ToUpperInvariant());
                    await insert.ExecuteNonQueryAsync();
                }

                break;

            case DatabaseProvider.Postgres:
                // pg_dump --inserts output (psql's backslash lines removed), run as one script.
                string script;
                await using (var compressed = File.OpenRead(Fixture("postgres.sql.gz")))
                await using (var gzip = new GZipStream(compressed, CompressionMode.Decompress))
                using (var reader = new StreamReader(gzip))
                {
                    script = await reader.ReadToEndAsync();
                }

                await using (var connection = new NpgsqlConnection(database.ConnectionString))
                {
                    await connection.OpenAsync();
                    await using var command = new NpgsqlCommand(script, connection);
                    await command.ExecuteNonQueryAsync();
                    await using var insert = new NpgsqlCommand("""
                        INSERT INTO rewards."VoucherBatches" ("Id", "ProgramCode", "Code", "Count", "HashOnly", "CreatedAt")
                        VALUES (@id, 'upgrade-club', 'autumn-2026', 250, true, now())
                        """, connection);
                    insert.Parameters.AddWithValue("id", OldVoucherBatch);
                    await insert.ExecuteNonQueryAsync();
                }

                break;

            default:
                throw new NotSupportedException($"No previous-release fixture for {database.Provider}.");
        }
    }

    private static async Task<HttpClient> AdminKeyClientAsync(LoyaltyHost host)
    {
        using var cookie = host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        (await cookie.PostAsJsonAsync("/api/admin/auth/sign-in", new { userName = "admin", password = AdminPassword })).EnsureSuccessStatusCode();
        var response = await cookie.PostAsJsonAsync("/api/admin/api-keys", new { name = "after-upgrade", roles = AdminAndIntegrator });
        response.EnsureSuccessStatusCode();
        var key = (await response.Content.ReadFromJsonAsync<CreatedKey>(Json))!.Key;
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Upgrades", "previous-release", name);

    private sealed record Expected(string Program, Guid RewardId, Guid RedemptionId, Dictionary<string, ExpectedMember> Members);

    private sealed record ExpectedMember(Guid Id, string Email, List<Balance> Balances, int LedgerEntries);

    private sealed record Balance(string Currency, long Available, long Pending);

    private sealed record MemberView(Guid Id, string? Email);

    private sealed record LedgerPage(List<JsonElement> Items);

    private sealed record RedemptionView(Guid Id, Guid RewardId);

    private sealed record CreatedKey(string Key);

    private sealed record BatchView(string Status, int Generated, bool CodesAvailable);
}
