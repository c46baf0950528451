using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;

namespace Loyalty.Host.Tests;

/// <summary>PUT /api/admin/users/{id}/roles: admins only, audited, never leaving the install without an admin.</summary>
public sealed class UserRoleTests
{
    private const string Password = "a long enough password";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_admin_changes_a_users_roles_their_open_session_gets_them_and_the_change_is_audited(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        using var admin = await host.SignedInAdminAsync();
        (await admin.PostAsJsonAsync("/api/admin/users", new { userName = "sam", password = Password, roles = new[] { Roles.Support } })).EnsureSuccessStatusCode();
        using var sam = host.CreateClient();
        (await sam.PostAsJsonAsync("/api/admin/auth/sign-in", new { userName = "sam", password = Password })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Forbidden, (await sam.GetAsync("/api/consent/processing-record")).StatusCode);
        var id = await IdOfAsync(admin, "sam");

        var changed = await admin.PutAsJsonAsync($"/api/admin/users/{id}/roles", new { roles = new[] { Roles.DataProtectionOfficer, Roles.Support } });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var user = (await admin.GetFromJsonAsync<List<UserView>>("/api/admin/users"))!.Single(u => u.UserName == "sam");
        Assert.Equal([Roles.DataProtectionOfficer, Roles.Support], user.Roles.Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await sam.GetAsync("/api/consent/processing-record")).StatusCode);
        var me = await sam.GetFromJsonAsync<JsonElement>("/api/admin/auth/me");
        Assert.Contains(Roles.DataProtectionOfficer, me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var audit = await admin.GetFromJsonAsync<List<JsonElement>>("/api/admin/audit?module=admin");
        var entry = Assert.Single(audit!, e => e.GetProperty("action").GetString() == "admin.user.roles-changed");
        Assert.Equal((id.ToString(), $"user:{LoyaltyHost.AdminUserName}"), (entry.GetProperty("entityId").GetString(), entry.GetProperty("actor").GetString()));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_last_admin_cannot_remove_their_own_admin_role_but_can_once_another_admin_exists(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        using var admin = await host.SignedInAdminAsync();
        var self = await IdOfAsync(admin, LoyaltyHost.AdminUserName);

        var refused = await admin.PutAsJsonAsync($"/api/admin/users/{self}/roles", new { roles = new[] { Roles.Marketer } });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("roles", out _));
        Assert.Equal([Roles.Admin], (await admin.GetFromJsonAsync<List<UserView>>("/api/admin/users"))!.Single(u => u.Id == self).Roles);

        (await admin.PostAsJsonAsync("/api/admin/users", new { userName = "ada", password = Password, roles = new[] { Roles.Admin } })).EnsureSuccessStatusCode();
        var allowed = await admin.PutAsJsonAsync($"/api/admin/users/{self}/roles", new { roles = new[] { Roles.Marketer } });
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        // The session goes on as a marketer: administration is refused from the next request on.
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync("/api/admin/users")).StatusCode);
    }

    [Fact]
    public async Task Unknown_roles_are_refused_at_the_field_and_only_admins_change_roles()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        using var admin = await host.SignedInAdminAsync();
        var self = await IdOfAsync(admin, LoyaltyHost.AdminUserName);
        using var marketer = await host.ApiKeyClientAsync(Roles.Marketer);

        var unknown = await admin.PutAsJsonAsync($"/api/admin/users/{self}/roles", new { roles = new List<string> { "Superuser" } });
        var none = await admin.PutAsJsonAsync($"/api/admin/users/{self}/roles", new { roles = Array.Empty<string>() });
        var forbidden = await marketer.PutAsJsonAsync($"/api/admin/users/{self}/roles", new { roles = new[] { Roles.Marketer } });
        var missing = await admin.PutAsJsonAsync($"/api/admin/users/{Guid.NewGuid()}/roles", new { roles = new[] { Roles.Marketer } });

        foreach (var response in new[] { unknown, none })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("roles", out _));
        }

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static async Task<Guid> IdOfAsync(HttpClient admin, string userName) =>
        (await admin.GetFromJsonAsync<List<UserView>>("/api/admin/users"))!.Single(u => u.UserName == userName).Id;

    private sealed record UserView(Guid Id, string UserName, List<string> Roles);
}
