using System.Net;
using System.Net.Http.Json;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Consent;

/// <summary>GET /api/consent/requests/{id}/audit: what was done with one request, for the DPO's request detail.</summary>
public sealed class RequestAuditTrailTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_request_audit_trail_lists_its_filing_status_changes_and_reads_oldest_first_and_nothing_of_other_requests(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        var dpo = await host.ApiKeyClientAsync(Roles.DataProtectionOfficer);
        var member = await api.EnrollAsync("shop-1", "ada@example.com");
        var request = await FileAsync(dpo, new { type = "objection", memberId = member, verification = "Shop account" });
        var other = await FileAsync(dpo, new { type = "rectification", memberId = member, verification = "Shop account" });
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        (await dpo.GetAsync($"/api/consent/requests/{request}")).EnsureSuccessStatusCode();
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        (await dpo.PostAsJsonAsync($"/api/consent/requests/{request}/status", new { status = "waiting" })).EnsureSuccessStatusCode();

        var trail = (await dpo.GetFromJsonAsync<List<Entry>>($"/api/consent/requests/{request}/audit"))!;

        Assert.Equal(["consent.request.filed", "consent.request.viewed", "consent.request.status-changed"], trail.Select(e => e.Action));
        Assert.All(trail, e => Assert.StartsWith("apikey:", e.Actor, StringComparison.Ordinal));
        Assert.DoesNotContain(trail, e => e.Details?.Contains(other.ToString(), StringComparison.Ordinal) == true);
        Assert.DoesNotContain(trail, e => e.Details?.Contains("ada@example.com", StringComparison.Ordinal) == true);
        Assert.Equal(HttpStatusCode.NotFound, (await dpo.GetAsync($"/api/consent/requests/{Guid.NewGuid()}/audit")).StatusCode);
        var support = await host.ApiKeyClientAsync(Roles.Support);
        Assert.Equal(HttpStatusCode.Forbidden, (await support.GetAsync($"/api/consent/requests/{request}/audit")).StatusCode);
    }

    private static async Task<Guid> FileAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/consent/requests", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Filed>())!.Id;
    }

    private sealed record Filed(Guid Id);

    private sealed record Entry(DateTimeOffset OccurredAt, string Actor, string Action, string? Details);
}
