using System.Net;
using System.Net.Http.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Loyalty.Host.Tests.Members;

public sealed class MergeTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_merge_moves_identifiers_email_points_with_their_lots_and_history_to_the_survivor(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host, new { pendingDays = 7, expiryPolicy = "RollingMonths", expiryMonths = 12 });
        var survivor = await EnrollAsync(api, new { externalId = "shop-a", cardNumber = "C-A", firstName = "Ada" });
        var duplicate = await EnrollAsync(api, new { externalId = "shop-b", cardNumber = "C-B", email = "ada@example.com", firstName = "Ada" });
        var now = host.Clock.GetUtcNow();
        // The duplicate's older purchase is spendable (its window has passed), its newer one is still pending.
        (await api.PurchaseAsync("T-old", duplicate, 2000, now.AddDays(-10))).EnsureSuccessStatusCode();
        (await api.PurchaseAsync("T-new", duplicate, 3000, now, new { sku = "mug", quantity = 3, unitPrice = 1000 })).EnsureSuccessStatusCode();
        (await api.PurchaseAsync("T-a", survivor, 5000, now.AddDays(-8))).EnsureSuccessStatusCode();

        var merge = await api.Admin.PostAsJsonAsync($"{api.Members}/{survivor}/merges", new { duplicateId = duplicate, reason = "same person, two cards" });

        Assert.Equal(HttpStatusCode.OK, merge.StatusCode);
        Assert.Equal(new MembersApi.Balance("points", 70, 30), await api.PointsAsync(survivor));
        Assert.Equal(new MembersApi.Balance("points", 0, 0), await api.PointsAsync(duplicate));
        Assert.Equal(survivor, (await api.Admin.GetFromJsonAsync<MembersApi.MemberView>($"{api.Members}/by/card/C-B"))!.Id);
        Assert.Equal(survivor, (await api.Admin.GetFromJsonAsync<MembersApi.MemberView>($"{api.Members}/by/externalId/shop-b"))!.Id);
        var survivorView = await api.Admin.GetFromJsonAsync<MembersApi.MemberView>($"{api.Members}/{survivor}");
        Assert.Equal("ada@example.com", survivorView!.Email);
        Assert.Equal(["C-A", "C-B", "shop-a", "shop-b"], survivorView.Identifiers.Select(i => i.Value).Order(StringComparer.Ordinal));
        // Enrolling the duplicate's email again finds the survivor; the duplicate no longer holds it.
        var again = await api.Pos.PostAsJsonAsync(api.Members, new { email = "ADA@example.com" });
        Assert.Equal((HttpStatusCode.OK, survivor), (again.StatusCode, (await again.Content.ReadFromJsonAsync<MembersApi.MemberView>())!.Id));

        // Each lot keeps its own expiry date: the duplicate's old purchase still expires 12 months after it was earned.
        var expiring = await api.Admin.GetFromJsonAsync<List<Expiring>>($"{api.Members}/{survivor}/expiring-points?days=366");
        Assert.Equal(20, expiring!.Single(e => e.ExpiresAt == now.AddDays(-10).AddMonths(12)).Points);
        Assert.Equal(30, expiring!.Single(e => e.ExpiresAt == now.AddMonths(12)).Points);

        // Redemptions take the lot that expires first, which came from the duplicate.
        (await api.Pos.PostAsJsonAsync($"{api.Members}/{survivor}/redemptions", new { points = 20, reference = "R-1" })).EnsureSuccessStatusCode();
        expiring = await api.Admin.GetFromJsonAsync<List<Expiring>>($"{api.Members}/{survivor}/expiring-points?days=366");
        Assert.DoesNotContain(expiring!, e => e.ExpiresAt == now.AddDays(-10).AddMonths(12));
        Assert.Equal(50, expiring!.Single(e => e.ExpiresAt == now.AddDays(-8).AddMonths(12)).Points);

        // A return of the duplicate's purchase, by its old card, takes back from the survivor's pending points.
        var back = await api.Pos.PostAsJsonAsync(api.Transactions, new { externalId = "RET-1", type = "return", originalExternalId = "T-new", cardNumber = "C-B", occurredAt = now, currency = "EUR", total = 1000, lines = new[] { new { sku = "mug", quantity = 1, unitPrice = 1000 } } });
        Assert.Equal(HttpStatusCode.Created, back.StatusCode);
        Assert.Equal(new MembersApi.Balance("points", 50, 20), await api.PointsAsync(survivor));

        // The moved pending lot is released once, on the survivor's account.
        host.Clock.Advance(TimeSpan.FromDays(8));
        await host.RunJobAsync("members", "ReleasePendingPointsJob");
        await host.RunJobAsync("members", "ReleasePendingPointsJob");
        Assert.Equal(new MembersApi.Balance("points", 70, 0), await api.PointsAsync(survivor));

        // The survivor's history includes the duplicate's, and adds up to its balance.
        var ledger = await api.Admin.GetFromJsonAsync<LedgerPage>($"{api.Members}/{survivor}/ledger?limit=100");
        Assert.Contains(ledger!.Items, e => e.Type == "Accrual" && e.ReferenceId == "T-old");
        Assert.Equal(2, ledger.Items.Count(e => e.Type == "Transfer" && e.Currency == "points"));
        Assert.Equal(70, ledger.Items.Where(e => e.Currency == "points").Sum(e => e.Points));
        Assert.Empty((await api.Admin.GetFromJsonAsync<List<object>>($"/api/members/programs/{api.Program}/ledger-check"))!);

        // The duplicate's id now points at the survivor.
        using var noRedirect = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        noRedirect.DefaultRequestHeaders.Authorization = api.Admin.DefaultRequestHeaders.Authorization;
        var moved = await noRedirect.GetAsync($"{api.Members}/{duplicate}");
        Assert.Equal(HttpStatusCode.MovedPermanently, moved.StatusCode);
        Assert.Equal($"{api.Members}/{survivor}", moved.Headers.Location!.OriginalString);

        // Audited with both ids and the actor, and published through the outbox.
        var audit = await api.Admin.GetFromJsonAsync<List<AuditView>>("/api/admin/audit?module=members&limit=200");
        var entry = Assert.Single(audit!, a => a.Action == "members.member.merged");
        Assert.Equal(survivor.ToString(), entry.EntityId);
        Assert.Contains(duplicate.ToString(), entry.Details, StringComparison.Ordinal);
        Assert.StartsWith("apikey:", entry.Actor, StringComparison.Ordinal);
        var payload = await WithMembersDbAsync(host, db => db.OutboxMessages.Where(m => m.EventType == "Loyalty.Members.Contracts.MembersMerged").Select(m => m.Payload).SingleAsync());
        Assert.Contains($"\"survivorId\":\"{survivor}\"", payload, StringComparison.Ordinal);
        Assert.Contains($"\"duplicateId\":\"{duplicate}\"", payload, StringComparison.Ordinal);
        Assert.DoesNotContain("ada@example.com", payload, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_merge_is_refused_into_itself_across_programs_twice_and_for_inactive_members_but_a_repeat_is_harmless(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        var other = await MembersApi.CreateAsync(host);
        var a = await api.EnrollAsync("a");
        var b = await api.EnrollAsync("b");
        var c = await api.EnrollAsync("c");
        var suspended = await api.EnrollAsync("s");
        var elsewhere = await other.EnrollAsync("x");
        (await api.Admin.PostAsJsonAsync($"{api.Members}/{suspended}/status", new { status = "suspended", reason = "fraud check" })).EnsureSuccessStatusCode();
        Task<HttpResponseMessage> MergeAsync(Guid survivor, Guid duplicate, string? reason = "duplicate") =>
            api.Admin.PostAsJsonAsync($"{api.Members}/{survivor}/merges", new { duplicateId = duplicate, reason });

        var itself = await MergeAsync(a, a);
        var noReason = await MergeAsync(a, b, reason: null);
        var acrossPrograms = await MergeAsync(a, elsewhere);
        var inactive = await MergeAsync(a, suspended);
        var unknown = await MergeAsync(a, Guid.NewGuid());
        var first = await MergeAsync(a, b);
        var repeat = await MergeAsync(a, b);
        var elsewhereAgain = await MergeAsync(c, b);
        var intoMerged = await MergeAsync(b, c);
        var bySupport = await (await host.ApiKeyClientAsync("Support")).PostAsJsonAsync($"{api.Members}/{c}/merges", new { duplicateId = suspended, reason = "x" });
        var byIntegrator = await api.Pos.PostAsJsonAsync($"{api.Members}/{c}/merges", new { duplicateId = a, reason = "x" });

        Assert.Equal(HttpStatusCode.BadRequest, itself.StatusCode);
        Assert.Contains("duplicateId", (await itself.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys);
        Assert.Contains("reason", (await noReason.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, acrossPrograms.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, inactive.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, elsewhereAgain.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, intoMerged.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bySupport.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byIntegrator.StatusCode);
        // A merged member takes no further writes, and cannot be brought back by a status change.
        var reactivate = await api.Admin.PostAsJsonAsync($"{api.Members}/{b}/status", new { status = "active", reason = "undo" });
        var adjust = await api.Admin.PostAsJsonAsync($"{api.Members}/{b}/adjustments", new { points = 10, reason = "goodwill" });
        Assert.Equal((HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity), (reactivate.StatusCode, adjust.StatusCode));
        Assert.Equal(a.ToString(), (await adjust.Content.ReadFromJsonAsync<Dictionary<string, object>>())!["survivorId"].ToString());
        Assert.Equal(1, (await api.Admin.GetFromJsonAsync<List<AuditView>>("/api/admin/audit?module=members&limit=200"))!.Count(e => e.Action == "members.member.merged"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_redemption_racing_a_merge_neither_loses_nor_duplicates_points(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        for (var round = 0; round < 5; round++)
        {
            var survivor = await api.EnrollAsync($"a-{round}");
            var duplicate = await api.EnrollAsync($"b-{round}");
            (await api.PurchaseAsync($"T-a-{round}", survivor, 5000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
            (await api.PurchaseAsync($"T-b-{round}", duplicate, 10_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();

            var responses = await Task.WhenAll([
                .. Enumerable.Range(0, 3).Select(i => api.Pos.PostAsJsonAsync($"{api.Members}/{duplicate}/redemptions", new { points = 30, reference = $"R-{round}-{i}" })),
                api.Admin.PostAsJsonAsync($"{api.Members}/{survivor}/merges", new { duplicateId = duplicate, reason = "race" })]);
            var (redemptions, merge) = (responses[..^1], responses[^1]);

            Assert.Equal(HttpStatusCode.OK, merge.StatusCode);
            Assert.All(redemptions, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.UnprocessableEntity, r.StatusCode.ToString()));
            var redeemed = 30 * redemptions.Count(r => r.StatusCode == HttpStatusCode.OK);
            Assert.Equal(new MembersApi.Balance("points", 150 - redeemed, 0), await api.PointsAsync(survivor));
            Assert.Equal(new MembersApi.Balance("points", 0, 0), await api.PointsAsync(duplicate));
        }

        Assert.Empty((await api.Admin.GetFromJsonAsync<List<object>>($"/api/members/programs/{api.Program}/ledger-check"))!);
    }

    private static async Task<Guid> EnrollAsync(MembersApi api, object body)
    {
        var response = await api.Pos.PostAsJsonAsync(api.Members, body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<MembersApi.MemberView>())!.Id;
    }

    private static async Task<T> WithMembersDbAsync<T>(LoyaltyHost host, Func<ModuleDbContext, Task<T>> query)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await query(LoyaltyHost.ModuleContext(scope.ServiceProvider, "members"));
    }


    private sealed record Expiring(DateTimeOffset ExpiresAt, long Points);

    private sealed record LedgerPage(List<LedgerEntry> Items, Guid? Next);

    private sealed record LedgerEntry(string Currency, string Type, long Points, string ReferenceId);

    private sealed record AuditView(string Action, string EntityId, string Actor, string Details);
}
