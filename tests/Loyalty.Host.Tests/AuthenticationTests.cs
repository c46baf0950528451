using System.Net;
using System.Net.Http.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;

namespace Loyalty.Host.Tests;

public sealed class AuthenticationTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Anonymous_calls_get_401_wrong_roles_get_403_and_the_admin_gets_through(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        using var anonymous = host.CreateClient();
        using var support = await host.ApiKeyClientAsync(Roles.Support);
        using var admin = await host.SignedInAdminAsync();

        var refused = await anonymous.GetAsync("/api/admin/users");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, (await support.GetAsync("/api/admin/users")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await support.GetAsync("/api/members/programs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/admin/users")).StatusCode);
    }

    [Fact]
    public async Task A_revoked_API_key_is_refused_and_its_last_use_is_recorded()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        using var admin = await host.SignedInAdminAsync();
        var created = await (await admin.PostAsJsonAsync("/api/admin/api-keys", new { name = "pos", roles = new[] { Roles.Integrator } }))
            .Content.ReadFromJsonAsync<CreatedKey>();
        using var pos = host.CreateClient();
        pos.DefaultRequestHeaders.Authorization = new("Bearer", created!.Key);

        Assert.Equal(HttpStatusCode.OK, (await pos.GetAsync("/api/members/programs")).StatusCode);
        var listed = await admin.GetFromJsonAsync<List<KeyView>>("/api/admin/api-keys");
        Assert.Equal(host.Clock.GetUtcNow(), Assert.Single(listed!).LastUsedAt);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/admin/api-keys/{created.ApiKey.Id}/revoke", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await pos.GetAsync("/api/members/programs")).StatusCode);
    }

    [Fact]
    public async Task A_tampered_API_key_is_refused()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        using var admin = await host.SignedInAdminAsync();
        var created = await (await admin.PostAsJsonAsync("/api/admin/api-keys", new { name = "pos", roles = new[] { Roles.Admin } }))
            .Content.ReadFromJsonAsync<CreatedKey>();
        using var forger = host.CreateClient();
        forger.DefaultRequestHeaders.Authorization = new("Bearer", created!.Key[..^2] + "xx");

        Assert.Equal(HttpStatusCode.Unauthorized, (await forger.GetAsync("/api/members/programs")).StatusCode);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_for_fifteen_minutes()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        using var client = host.CreateClient();
        var wrong = new { userName = LoyaltyHost.AdminUserName, password = "wrong password!" };
        var right = new { userName = LoyaltyHost.AdminUserName, password = LoyaltyHost.AdminPassword };

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/admin/auth/sign-in", wrong)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/admin/auth/sign-in", right)).StatusCode);
        host.Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/admin/auth/sign-in", right)).StatusCode);
    }

    [Fact]
    public async Task Creating_a_user_with_a_short_password_names_the_field()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        using var admin = await host.SignedInAdminAsync();

        var response = await admin.PostAsJsonAsync("/api/admin/users", new { userName = "marketer", password = "short", roles = new[] { Roles.Marketer } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblem>();
        Assert.Contains("password", problem!.Errors.Keys);
    }

    [Fact]
    public async Task A_marketer_signs_in_and_is_held_to_the_marketer_role()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        using var admin = await host.SignedInAdminAsync();
        var created = await admin.PostAsJsonAsync("/api/admin/users", new { userName = "mia", password = "a long enough password", roles = new[] { Roles.Marketer } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var mia = host.CreateClient();
        Assert.Equal(HttpStatusCode.NoContent, (await mia.PostAsJsonAsync("/api/admin/auth/sign-in", new { userName = "mia", password = "a long enough password" })).StatusCode);
        var me = await mia.GetFromJsonAsync<Me>("/api/admin/auth/me");
        Assert.Equal(("mia", "user:mia"), (me!.Name, me.Actor));
        Assert.Equal(HttpStatusCode.Forbidden, (await mia.GetAsync("/api/admin/audit")).StatusCode);
    }

    [Fact]
    public async Task Changing_the_password_ends_the_users_other_sessions_but_not_this_one()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        using var laptop = await host.SignedInAdminAsync();
        using var phone = await host.SignedInAdminAsync();

        var wrongCurrent = await laptop.PostAsJsonAsync("/api/admin/auth/change-password", new { currentPassword = "not it", newPassword = "a brand new passphrase" });
        var changed = await laptop.PostAsJsonAsync("/api/admin/auth/change-password", new { currentPassword = LoyaltyHost.AdminPassword, newPassword = "a brand new passphrase" });

        Assert.Equal(HttpStatusCode.BadRequest, wrongCurrent.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/api/admin/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync("/api/admin/auth/me")).StatusCode);
        using var fresh = host.CreateClient();
        Assert.Equal(HttpStatusCode.NoContent, (await fresh.PostAsJsonAsync("/api/admin/auth/sign-in", new { userName = LoyaltyHost.AdminUserName, password = "a brand new passphrase" })).StatusCode);
    }

    [Fact]
    public async Task Disabling_a_user_ends_their_open_session()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        using var admin = await host.SignedInAdminAsync();
        await admin.PostAsJsonAsync("/api/admin/users", new { userName = "sam", password = "a long enough password", roles = new[] { Roles.Support } });
        using var sam = host.CreateClient();
        await sam.PostAsJsonAsync("/api/admin/auth/sign-in", new { userName = "sam", password = "a long enough password" });
        Assert.Equal(HttpStatusCode.OK, (await sam.GetAsync("/api/admin/auth/me")).StatusCode);

        var users = await admin.GetFromJsonAsync<List<UserView>>("/api/admin/users");
        await admin.PostAsync($"/api/admin/users/{users!.Single(u => u.UserName == "sam").Id}/disable", null);

        Assert.Equal(HttpStatusCode.Unauthorized, (await sam.GetAsync("/api/admin/auth/me")).StatusCode);
    }

    private sealed record UserView(Guid Id, string UserName);

    private sealed record CreatedKey(KeyView ApiKey, string Key);

    private sealed record KeyView(Guid Id, string Name, DateTimeOffset? LastUsedAt);

    private sealed record Me(string Name, string Actor, List<string> Roles);
}

public sealed record ValidationProblem(int Status, string Title, Dictionary<string, string[]> Errors);
