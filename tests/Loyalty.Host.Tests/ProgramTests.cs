using System.Net;
using System.Net.Http.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;

namespace Loyalty.Host.Tests;

public sealed class ProgramTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Creating_a_program_is_idempotent_on_its_code_and_audited(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        using var admin = await host.SignedInAdminAsync();
        var program = new { code = "nordic-rewards", name = "Nordic Rewards", timeZone = "Europe/Stockholm", currency = "SEK" };

        var created = await admin.PostAsJsonAsync("/api/members/programs", program);
        var repeated = await admin.PostAsJsonAsync("/api/members/programs", program);
        var conflicting = await admin.PostAsJsonAsync("/api/members/programs", program with { currency = "EUR" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/members/programs/nordic-rewards", created.Headers.Location?.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, conflicting.StatusCode);
        var programs = await admin.GetFromJsonAsync<List<ProgramView>>("/api/members/programs");
        Assert.Equal("SEK", Assert.Single(programs!).Currency);

        var audit = await admin.GetFromJsonAsync<List<AuditView>>("/api/admin/audit?module=members");
        var entry = Assert.Single(audit!);
        Assert.Equal(("members.program.created", $"user:{LoyaltyHost.AdminUserName}"), (entry.Action, entry.Actor));
    }

    [Fact]
    public async Task An_invalid_program_is_refused_with_every_field_and_reason()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        using var admin = await host.SignedInAdminAsync();

        var response = await admin.PostAsJsonAsync("/api/members/programs", new { code = "Bad Code", name = "", timeZone = "Mars/Olympus", currency = "euro" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblem>();
        Assert.Equal(["code", "currency", "name", "timeZone"], problem!.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Empty((await admin.GetFromJsonAsync<List<ProgramView>>("/api/members/programs"))!);
    }

    [Fact]
    public async Task Malformed_json_gets_a_problem_answer()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        using var admin = await host.SignedInAdminAsync();

        using var body = new StringContent("{\"code\": ", System.Text.Encoding.UTF8, "application/json");
        var response = await admin.PostAsync("/api/members/programs", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private sealed record ProgramView(Guid Id, string Code, string Name, string TimeZone, string Currency);

    private sealed record AuditView(string Module, string Action, string Actor, string EntityId);
}
