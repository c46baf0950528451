using System.Net.Http.Json;
using Loyalty.Shared.Security;

namespace Loyalty.Host.Tests.Members;

/// <summary>A program with settings of the test's choosing, and clients for the roles that use the Members API.</summary>
public sealed class MembersApi
{
    private MembersApi(HttpClient admin, HttpClient pos, string program)
    {
        Admin = admin;
        Pos = pos;
        Program = program;
    }

    /// <summary>An admin's API key (support work: members, adjustments); unlike a cookie, it outlives a moved clock.</summary>
    public HttpClient Admin { get; }

    /// <summary>An integration's API key (enrolments, transactions, redemptions).</summary>
    public HttpClient Pos { get; }

    public string Program { get; }

    public string Members => $"/api/members/programs/{Program}/members";

    public string Transactions => $"/api/members/programs/{Program}/transactions";

    public static async Task<MembersApi> CreateAsync(LoyaltyHost host, object? settings = null)
    {
        var admin = await host.ApiKeyClientAsync(Roles.Admin);
        var pos = await host.ApiKeyClientAsync(Roles.Integrator);
        var code = $"p{Guid.NewGuid():N}"[..12];
        var program = new Dictionary<string, object?>
        {
            ["code"] = code,
            ["name"] = "Test Program",
            ["timeZone"] = "Europe/Berlin",
            ["currency"] = "EUR",
        };
        foreach (var property in settings?.GetType().GetProperties() ?? [])
        {
            program[char.ToLowerInvariant(property.Name[0]) + property.Name[1..]] = property.GetValue(settings);
        }

        (await admin.PostAsJsonAsync("/api/members/programs", program)).EnsureSuccessStatusCode();
        return new MembersApi(admin, pos, code);
    }

    public async Task<Guid> EnrollAsync(string externalId, string? email = null)
    {
        var response = await Pos.PostAsJsonAsync(Members, new { externalId, email, firstName = "Ada", channel = "web" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<MemberView>())!.Id;
    }

    public Task<HttpResponseMessage> PurchaseAsync(string externalId, Guid memberId, long total, DateTimeOffset occurredAt, params object[] lines) =>
        Pos.PostAsJsonAsync(Transactions, new { externalId, memberId, occurredAt, currency = "EUR", total, channel = "pos", lines });

    public async Task<Balance> PointsAsync(Guid memberId) =>
        (await Admin.GetFromJsonAsync<List<Balance>>($"{Members}/{memberId}/balances"))!.Single(b => b.Currency == "points");

    public sealed record MemberView(Guid Id, string Status, string? Email, List<IdentifierView> Identifiers);

    public sealed record IdentifierView(string Kind, string Value);

    public sealed record Balance(string Currency, long Available, long Pending);
}
