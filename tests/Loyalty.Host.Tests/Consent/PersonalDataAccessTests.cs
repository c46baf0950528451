using System.Net;
using System.Net.Http.Json;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Consent;

public sealed class PersonalDataAccessTests : IDisposable
{
    private readonly string _exports = Path.Combine(Path.GetTempPath(), $"loyalty-exports-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_exports))
        {
            Directory.Delete(_exports, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Every_staff_read_of_a_members_data_is_audited_by_member_id_only_and_the_dpo_can_query_who_read_whom(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider, new Dictionary<string, string?> { ["Modules:Consent:ExportDirectory"] = _exports });
        var api = await MembersApi.CreateAsync(host);
        var support = await host.ApiKeyClientAsync(Roles.Support);
        var dpo = await host.ApiKeyClientAsync(Roles.DataProtectionOfficer);
        var ada = await api.EnrollAsync("shop-ada", "ada.lovelace@example.com");
        var bob = await api.EnrollAsync("shop-bob", "bob@example.com");

        (await support.GetAsync($"{api.Members}/{ada}")).EnsureSuccessStatusCode();
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        (await support.GetAsync($"{api.Members}/by/externalId/shop-ada")).EnsureSuccessStatusCode();
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var request = (await (await dpo.PostAsJsonAsync("/api/consent/requests", new { type = "access", memberId = ada, verification = "Email from the registered address" }))
            .Content.ReadFromJsonAsync<RequestView>())!;
        (await dpo.PostAsync($"/api/consent/requests/{request.Id}/export", null)).EnsureSuccessStatusCode();
        (await dpo.GetAsync($"/api/consent/requests/{request.Id}")).EnsureSuccessStatusCode();
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var link = (await (await dpo.PostAsync($"/api/consent/requests/{request.Id}/export/link", null)).Content.ReadFromJsonAsync<Link>())!;
        (await dpo.GetAsync(link.Url)).EnsureSuccessStatusCode();
        (await support.GetAsync($"{api.Members}/{bob}")).EnsureSuccessStatusCode();

        var adaReads = (await dpo.GetFromJsonAsync<List<EntryView>>($"/api/admin/personal-data-access?member={ada}"))!;
        Assert.Equal(["consent.export.downloaded", "consent.request.viewed", "members.member.looked-up", "members.member.viewed"], adaReads.Select(e => e.Action));
        Assert.All(adaReads, e => Assert.Equal(("personal-data", ada.ToString()), (e.EntityType, e.EntityId)));
        var supportActor = adaReads[^1].Actor;
        Assert.Equal([supportActor, supportActor], adaReads.Where(e => e.Module == "members").Select(e => e.Actor));
        Assert.All(adaReads.Where(e => e.Module == "consent"), e => Assert.NotEqual(supportActor, e.Actor));
        Assert.Equal(host.Clock.GetUtcNow().AddMinutes(-3), adaReads[^1].OccurredAt);
        Assert.DoesNotContain("shop-ada", System.Text.Json.JsonSerializer.Serialize(adaReads), StringComparison.OrdinalIgnoreCase);

        var bySupport = (await dpo.GetFromJsonAsync<List<EntryView>>($"/api/admin/personal-data-access?actor={Uri.EscapeDataString(supportActor)}"))!;
        Assert.Equal([bob, ada, ada], bySupport.Select(e => Guid.Parse(e.EntityId)));
        Assert.Equal(HttpStatusCode.Forbidden, (await support.GetAsync("/api/admin/personal-data-access")).StatusCode);
    }

    private sealed record RequestView(Guid Id);

    private sealed record Link(string Url);

    private sealed record EntryView(string Module, DateTimeOffset OccurredAt, string Actor, string Action, string EntityType, string EntityId);
}
