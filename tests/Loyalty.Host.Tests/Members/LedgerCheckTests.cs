using System.Diagnostics;
using System.Net.Http.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Members;

public sealed class LedgerCheckTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_check_finds_no_fault_after_real_work_and_names_a_corrupted_balance(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host, new { pendingDays = 7 });
        var member = await api.EnrollAsync("shop-1");
        var at = host.Clock.GetUtcNow();
        (await api.PurchaseAsync("T-1", member, 5000, at, new { sku = "mug", quantity = 5, unitPrice = 1000 })).EnsureSuccessStatusCode();
        (await api.Pos.PostAsJsonAsync(api.Transactions, new { externalId = "R-1", type = "return", originalExternalId = "T-1", memberId = member, occurredAt = at, currency = "EUR", total = 1000, lines = new[] { new { sku = "mug", quantity = 1, unitPrice = 1000 } } })).EnsureSuccessStatusCode();
        (await api.Admin.PostAsJsonAsync($"{api.Members}/{member}/adjustments", new { points = 15, reason = "goodwill" })).EnsureSuccessStatusCode();
        (await api.Pos.PostAsJsonAsync($"{api.Members}/{member}/redemptions", new { points = 10, reference = "R-7" })).EnsureSuccessStatusCode();

        Assert.Empty((await api.Admin.GetFromJsonAsync<List<Mismatch>>($"/api/members/programs/{api.Program}/ledger-check"))!);

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = LoyaltyHost.ModuleContext(scope.ServiceProvider, "members");
            // Behind the application's back, as a bad restore or a hand-made fix would.
            var sql = provider == DatabaseProvider.Sqlite
                ? "UPDATE \"members_PointsAccounts\" SET \"Available\" = \"Available\" + 1000 WHERE \"Currency\" = 'points'"
                : "UPDATE members.\"PointsAccounts\" SET \"Available\" = \"Available\" + 1000 WHERE \"Currency\" = 'points'";
            await db.Database.ExecuteSqlRawAsync(sql);
        }

        var mismatch = Assert.Single((await api.Admin.GetFromJsonAsync<List<Mismatch>>($"/api/members/programs/{api.Program}/ledger-check"))!);
        Assert.Equal((member, "points"), (mismatch.MemberId, mismatch.Currency));
        Assert.Contains("the entries add up to", mismatch.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_check_ledger_verb_exits_0_on_a_consistent_ledger()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Loyalty.Host.dll"));
        start.ArgumentList.Add("check-ledger");
        start.Environment["Database__ConnectionString"] = database.ConnectionString;
        start.Environment["Logging__LogLevel__Default"] = "Warning";

        // The verb needs a migrated database; migrate first, as an operator would.
        var migrate = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
        migrate.ArgumentList.Add(start.ArgumentList[0]);
        migrate.ArgumentList.Add("migrate");
        migrate.Environment["Database__ConnectionString"] = database.ConnectionString;
        using (var migrating = Process.Start(migrate)!)
        {
            await migrating.WaitForExitAsync();
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal((0, "Ledger consistent."), (process.ExitCode, output.Trim()));
    }

    private sealed record Mismatch(Guid AccountId, Guid MemberId, string Currency, long StoredAvailable, long EntriesSum, string Problem);
}
