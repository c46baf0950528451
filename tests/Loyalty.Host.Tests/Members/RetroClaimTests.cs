using System.Net;
using System.Net.Http.Json;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Members;

public sealed class RetroClaimTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_purchase_for_an_unknown_card_is_held_and_credited_once_when_a_member_enrols_with_the_card(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host, new { retroClaimDays = 30 });
        var at = host.Clock.GetUtcNow().AddDays(-3);
        object Purchase(long total) => new { externalId = "T-1", cardNumber = "C-77", occurredAt = at, currency = "EUR", total, channel = "pos" };

        var held = await api.Pos.PostAsJsonAsync(api.Transactions, Purchase(4200));
        var again = await api.Pos.PostAsJsonAsync(api.Transactions, Purchase(4200));
        var other = await api.Pos.PostAsJsonAsync(api.Transactions, Purchase(100));
        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Conflict), (held.StatusCode, again.StatusCode, other.StatusCode));
        var heldView = (await held.Content.ReadFromJsonAsync<Held>())!;
        Assert.Equal(("held", at.AddDays(30)), (heldView.Status, heldView.ClaimableUntil));

        var member = await EnrollWithCardAsync(api, "C-77");
        await host.DeliverMembersEventsAsync();

        Assert.Equal(42, Total(await api.PointsAsync(member)));
        var replay = await api.Pos.PostAsJsonAsync(api.Transactions, Purchase(4200));
        Assert.Equal((HttpStatusCode.OK, member), (replay.StatusCode, (await replay.Content.ReadFromJsonAsync<Recorded>())!.MemberId));
        Assert.Equal(42, Total(await api.PointsAsync(member)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_held_purchase_is_not_credited_after_its_window_and_is_purged(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host, new { retroClaimDays = 30 });
        var at = host.Clock.GetUtcNow().AddDays(-20);
        var held = await api.Pos.PostAsJsonAsync(api.Transactions, new { externalId = "T-1", memberExternalId = "shop-9", occurredAt = at, currency = "EUR", total = 1000 });
        var tooOld = await api.Pos.PostAsJsonAsync(api.Transactions, new { externalId = "T-0", memberExternalId = "shop-9", occurredAt = at.AddDays(-11), currency = "EUR", total = 1000 });
        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.NotFound), (held.StatusCode, tooOld.StatusCode));
        Assert.Equal(1, await HeldCountAsync(host, provider));

        host.Clock.Advance(TimeSpan.FromDays(11));
        var member = await api.EnrollAsync("shop-9");
        await host.DeliverMembersEventsAsync();
        Assert.Equal(0, Total(await api.PointsAsync(member)));

        // The scheduler runs on the host's clock too, so the daily purge may already have run for the 11 days passed.
        await host.RunJobAsync("members", "PurgeUnclaimedHeldTransactionsJob");
        Assert.Equal(0, await HeldCountAsync(host, provider));
    }

    [Fact]
    public async Task Without_retro_claims_a_purchase_for_an_unknown_card_is_404_and_nothing_is_kept()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await MembersApi.CreateAsync(host);
        var response = await api.Pos.PostAsJsonAsync(api.Transactions, new { externalId = "T-1", cardNumber = "C-1", occurredAt = host.Clock.GetUtcNow(), currency = "EUR", total = 1000 });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, await HeldCountAsync(host, DatabaseProvider.Sqlite));
    }

    private static long Total(MembersApi.Balance balance) => balance.Available + balance.Pending;

    private static async Task<Guid> EnrollWithCardAsync(MembersApi api, string card)
    {
        var response = await api.Pos.PostAsJsonAsync(api.Members, new { externalId = $"shop-{card}", cardNumber = card, firstName = "Ada", channel = "pos" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<MembersApi.MemberView>())!.Id;
    }

    private static async Task<int> HeldCountAsync(LoyaltyHost host, DatabaseProvider provider)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var sql = provider == DatabaseProvider.Sqlite
            ? "SELECT COUNT(*) AS \"Value\" FROM \"members_HeldTransactions\""
            : "SELECT COUNT(*) AS \"Value\" FROM members.\"HeldTransactions\"";
        return await LoyaltyHost.ModuleContext(scope.ServiceProvider, "members").Database.SqlQueryRaw<int>(sql).SingleAsync();
    }


    private sealed record Held(string ExternalId, string Status, DateTimeOffset ClaimableUntil);

    private sealed record Recorded(Guid MemberId, long Points);
}
