using System.Net;
using System.Net.Http.Json;
using Loyalty.Shared.Http;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Loyalty.Host.Tests;

public sealed class IdempotencyKeyTests
{
    private const string Programs = "/api/members/programs";
    private const string Replayed = "Idempotent-Replayed";

    private static readonly object Nordic = new { code = "nordic-rewards", name = "Nordic Rewards", timeZone = "Europe/Stockholm", currency = "SEK" };
    private static readonly object Alpine = new { code = "alpine-club", name = "Alpine Club", timeZone = "Europe/Zurich", currency = "CHF" };

    // An empty header never reaches the server through the in-memory test client, so it is not among these.
    public static TheoryData<string> MalformedKeys => ["tab\tkey", new string('k', 256), "two words", "schlüssel"];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_repeat_with_the_same_key_gets_the_first_answer_again_and_creates_nothing(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        using var admin = await host.SignedInAdminAsync();
        var key = Guid.NewGuid().ToString();

        var first = await PostAsync(admin, Programs, Nordic, key);
        var repeat = await PostAsync(admin, Programs, Nordic, key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(first.Headers.Contains(Replayed));
        Assert.Equal(HttpStatusCode.Created, repeat.StatusCode);
        Assert.Equal("true", Assert.Single(repeat.Headers.GetValues(Replayed)));
        Assert.Equal(first.Headers.Location, repeat.Headers.Location);
        Assert.Equal(first.Content.Headers.ContentType, repeat.Content.Headers.ContentType);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await repeat.Content.ReadAsByteArrayAsync());
        Assert.Single((await admin.GetFromJsonAsync<List<ProgramView>>(Programs))!);
        Assert.Single((await admin.GetFromJsonAsync<List<AuditView>>("/api/admin/audit?module=members"))!);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_same_key_with_another_body_is_refused_with_422(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        using var admin = await host.SignedInAdminAsync();
        var key = Guid.NewGuid().ToString();

        Assert.Equal(HttpStatusCode.Created, (await PostAsync(admin, Programs, Nordic, key)).StatusCode);
        var reused = await PostAsync(admin, Programs, Alpine, key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal("application/problem+json", reused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nordic-rewards", Assert.Single((await admin.GetFromJsonAsync<List<ProgramView>>(Programs))!).Code);
    }

    [Theory]
    [MemberData(nameof(MalformedKeys))]
    public async Task A_malformed_key_is_refused_with_a_problem_naming_the_header(string key)
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        using var admin = await host.SignedInAdminAsync();

        var response = await PostAsync(admin, Programs, Nordic, key);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblem>();
        Assert.Equal(["Idempotency-Key"], problem!.Errors.Keys);
        Assert.Empty((await admin.GetFromJsonAsync<List<ProgramView>>(Programs))!);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Two_callers_using_the_same_key_do_not_collide(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        using var shop = await host.ApiKeyClientAsync(Roles.Marketer);
        using var pos = await host.ApiKeyClientAsync(Roles.Marketer);
        const string key = "order-1001";

        var fromShop = await PostAsync(shop, Programs, Nordic, key);
        var fromPos = await PostAsync(pos, Programs, Alpine, key);

        Assert.Equal((HttpStatusCode.Created, false), (fromShop.StatusCode, fromShop.Headers.Contains(Replayed)));
        Assert.Equal((HttpStatusCode.Created, false), (fromPos.StatusCode, fromPos.Headers.Contains(Replayed)));
        Assert.Equal(2, (await shop.GetFromJsonAsync<List<ProgramView>>(Programs))!.Count);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Concurrent_requests_with_the_same_key_create_once_and_the_others_get_the_answer_or_409(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await Members.MembersApi.CreateAsync(host);
        var member = await api.EnrollAsync("shop-1");
        var key = Guid.NewGuid().ToString();
        var goodwill = new { points = 10, reason = "goodwill" };

        // Without the key every one of these would add 10 points.
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(api.Admin, $"{api.Members}/{member}/adjustments", goodwill, key)));

        var created = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK && !r.Headers.Contains(Replayed));
        var createdBody = await created.Content.ReadAsByteArrayAsync();
        foreach (var other in responses.Where(r => r != created))
        {
            if (other.StatusCode == HttpStatusCode.Conflict)
            {
                Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
            }
            else
            {
                Assert.Equal((HttpStatusCode.OK, true), (other.StatusCode, other.Headers.Contains(Replayed)));
                Assert.Equal(createdBody, await other.Content.ReadAsByteArrayAsync());
            }
        }

        Assert.Equal(10, (await api.PointsAsync(member)).Available);
    }

    // The transactions endpoint claims its key with its own save (IdempotencyClaimMode.WithFirstSave): the same promises.
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Concurrent_purchases_with_the_same_key_credit_once_and_the_others_get_the_answer_or_409(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await Members.MembersApi.CreateAsync(host);
        var member = await api.EnrollAsync("shop-1");
        var key = Guid.NewGuid().ToString();
        var purchase = Purchase("T-1", member, 1000);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(api.Pos, api.Transactions, purchase, key)));

        var created = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created && !r.Headers.Contains(Replayed));
        var createdBody = await created.Content.ReadAsByteArrayAsync();
        foreach (var other in responses.Where(r => r != created))
        {
            if (other.StatusCode == HttpStatusCode.Conflict)
            {
                Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
            }
            else
            {
                Assert.Equal((HttpStatusCode.Created, true), (other.StatusCode, other.Headers.Contains(Replayed)));
                Assert.Equal(createdBody, await other.Content.ReadAsByteArrayAsync());
            }
        }

        var repeat = await PostAsync(api.Pos, api.Transactions, purchase, key);
        Assert.Equal((HttpStatusCode.Created, true), (repeat.StatusCode, repeat.Headers.Contains(Replayed)));
        Assert.Equal(createdBody, await repeat.Content.ReadAsByteArrayAsync());
        Assert.Equal(10, (await api.PointsAsync(member)).Available);
        var record = Assert.Single(await InModuleAsync(host, "members", db => db.IdempotencyRecords.AsNoTracking().ToListAsync()));
        Assert.Equal((IdempotencyRecordStatus.Completed, 201), (record.Status, record.ResponseStatusCode));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_purchase_key_reused_for_another_purchase_is_refused_and_an_answer_without_a_write_is_kept(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await Members.MembersApi.CreateAsync(host);
        var member = await api.EnrollAsync("shop-1");
        var (key, invalidKey) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());

        Assert.Equal(HttpStatusCode.Created, (await PostAsync(api.Pos, api.Transactions, Purchase("T-1", member, 1000), key)).StatusCode);
        var reused = await PostAsync(api.Pos, api.Transactions, Purchase("T-2", member, 1000), key);
        var invalid = await PostAsync(api.Pos, api.Transactions, Purchase("T-3", member, -5), invalidKey);
        var invalidAgain = await PostAsync(api.Pos, api.Transactions, Purchase("T-3", member, -5), invalidKey);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal((HttpStatusCode.BadRequest, false), (invalid.StatusCode, invalid.Headers.Contains(Replayed)));
        Assert.Equal((HttpStatusCode.BadRequest, true), (invalidAgain.StatusCode, invalidAgain.Headers.Contains(Replayed)));
        Assert.Equal(10, (await api.PointsAsync(member)).Available);
        Assert.Equal(2, await InModuleAsync(host, "members", db => db.IdempotencyRecords.CountAsync(r => r.Status == IdempotencyRecordStatus.Completed)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_purchase_that_fails_with_a_server_error_keeps_no_claim_so_the_client_may_retry(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await Members.MembersApi.CreateAsync(host);
        var member = await api.EnrollAsync("shop-1");
        var key = Guid.NewGuid().ToString();

        await InModuleAsync(host, "members", db => db.Database.ExecuteSqlRawAsync(RenameTable(provider, "Transactions", away: true)));
        var failed = await PostAsync(api.Pos, api.Transactions, Purchase("T-1", member, 1000), key);
        await InModuleAsync(host, "members", db => db.Database.ExecuteSqlRawAsync(RenameTable(provider, "Transactions", away: false)));

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(0, await InModuleAsync(host, "members", db => db.IdempotencyRecords.CountAsync()));
        var retried = await PostAsync(api.Pos, api.Transactions, Purchase("T-1", member, 1000), key);
        Assert.Equal((HttpStatusCode.Created, false), (retried.StatusCode, retried.Headers.Contains(Replayed)));
        Assert.Equal(10, (await api.PointsAsync(member)).Available);
    }

    private static object Purchase(string externalId, Guid memberId, long total) => new
    {
        externalId, memberId, occurredAt = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero), currency = "EUR", total, channel = "pos",
    };

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_validation_failure_is_an_answer_and_is_replayed(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        using var admin = await host.SignedInAdminAsync();
        var key = Guid.NewGuid().ToString();
        var invalid = new { code = "Bad Code", name = "Nordic Rewards", timeZone = "Europe/Stockholm", currency = "SEK" };

        var first = await PostAsync(admin, Programs, invalid, key);
        var repeat = await PostAsync(admin, Programs, invalid, key);

        Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode);
        Assert.Equal((HttpStatusCode.BadRequest, true), (repeat.StatusCode, repeat.Headers.Contains(Replayed)));
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await repeat.Content.ReadAsByteArrayAsync());
        Assert.Empty((await admin.GetFromJsonAsync<List<ProgramView>>(Programs))!);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_server_error_is_not_stored_so_the_client_may_retry_with_the_same_key(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        using var admin = await host.SignedInAdminAsync();
        var key = Guid.NewGuid().ToString();

        await InModuleAsync(host, "members", db => db.Database.ExecuteSqlRawAsync(RenameProgramsTable(provider, away: true)));
        var failed = await PostAsync(admin, Programs, Nordic, key);
        await InModuleAsync(host, "members", db => db.Database.ExecuteSqlRawAsync(RenameProgramsTable(provider, away: false)));

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(0, await InModuleAsync(host, "members", db => db.IdempotencyRecords.CountAsync()));
        var retried = await PostAsync(admin, Programs, Nordic, key);
        Assert.Equal((HttpStatusCode.Created, false), (retried.StatusCode, retried.Headers.Contains(Replayed)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_request_left_in_progress_by_a_lost_node_gets_409_then_is_taken_over_after_five_minutes(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        using var admin = await host.SignedInAdminAsync();
        var key = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(admin, Programs, Nordic, key)).StatusCode);
        // The node committed the program, then went down before it stored the answer.
        await InModuleAsync(host, "members", db => db.IdempotencyRecords
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.Status, IdempotencyRecordStatus.InProgress).SetProperty(r => r.ResponseBody, (byte[]?)null)));

        var meanwhile = await PostAsync(admin, Programs, Nordic, key);
        host.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var takenOver = await PostAsync(admin, Programs, Nordic, key);
        var repeat = await PostAsync(admin, Programs, Nordic, key);

        Assert.Equal(HttpStatusCode.Conflict, meanwhile.StatusCode);
        // The endpoint ran again; creating a program is idempotent on its code, so it answers with the existing one.
        Assert.Equal((HttpStatusCode.OK, false), (takenOver.StatusCode, takenOver.Headers.Contains(Replayed)));
        Assert.Equal((HttpStatusCode.OK, true), (repeat.StatusCode, repeat.Headers.Contains(Replayed)));
        Assert.Single((await admin.GetFromJsonAsync<List<ProgramView>>(Programs))!);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task After_24_hours_a_key_may_be_used_for_a_new_request(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var key = Guid.NewGuid().ToString();
        using (var admin = await host.SignedInAdminAsync())
        {
            Assert.Equal(HttpStatusCode.Created, (await PostAsync(admin, Programs, Nordic, key)).StatusCode);
        }

        host.Clock.Advance(TimeSpan.FromHours(24));
        using var nextDay = await host.SignedInAdminAsync();
        var reused = await PostAsync(nextDay, Programs, Alpine, key);

        Assert.Equal((HttpStatusCode.Created, false), (reused.StatusCode, reused.Headers.Contains(Replayed)));
        Assert.Equal(2, (await nextDay.GetFromJsonAsync<List<ProgramView>>(Programs))!.Count);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_nightly_purge_deletes_expired_records_and_keeps_the_others(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        using (var admin = await host.SignedInAdminAsync())
        {
            await PostAsync(admin, Programs, Nordic, "yesterday-program");
        }

        host.Clock.Advance(TimeSpan.FromHours(25));
        using (var nextDay = await host.SignedInAdminAsync())
        {
            await PostAsync(nextDay, Programs, Alpine, "today-program");
        }

        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await scheduler.TriggerJob(new JobKey("PurgeExpiredIdempotencyRecordsJob", "idempotency"));
        for (var i = 0; i < 100 && await InModuleAsync(host, "members", db => db.IdempotencyRecords.CountAsync()) > 1; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(["today-program"], await InModuleAsync(host, "members", db => db.IdempotencyRecords.Select(r => r.Key).ToListAsync()));
    }

    internal static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static async Task<T> InModuleAsync<T>(LoyaltyHost host, string schema, Func<ModuleDbContext, Task<T>> work)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await work(LoyaltyHost.ModuleContext(scope.ServiceProvider, schema));
    }

    /// <summary>Moves the members' programs table away and back, so creating a program fails in between.</summary>
    private static string RenameProgramsTable(DatabaseProvider provider, bool away) => RenameTable(provider, "Programs", away);

    private static string RenameTable(DatabaseProvider provider, string table, bool away) => (provider, away) switch
    {
        (DatabaseProvider.Sqlite, true) => $"ALTER TABLE \"members_{table}\" RENAME TO \"members_{table}_away\"",
        (DatabaseProvider.Sqlite, false) => $"ALTER TABLE \"members_{table}_away\" RENAME TO \"members_{table}\"",
        (DatabaseProvider.Postgres, true) => $"ALTER TABLE members.\"{table}\" RENAME TO \"{table}_away\"",
        (DatabaseProvider.Postgres, false) => $"ALTER TABLE members.\"{table}_away\" RENAME TO \"{table}\"",
        (_, true) => $"EXEC sp_rename 'members.{table}', '{table}_away'",
        (_, false) => $"EXEC sp_rename 'members.{table}_away', '{table}'",
    };

    private sealed record ProgramView(Guid Id, string Code, string Name, string TimeZone, string Currency);

    private sealed record AuditView(string Module, string Action, string Actor, string EntityId);

}
