using System.Net;
using System.Net.Http.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Members;

public sealed class MemberEnrollmentTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Enrolling_again_by_external_id_or_email_returns_the_same_member(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);

        var first = await api.Pos.PostAsJsonAsync(api.Members, new { externalId = "shop-42", email = "Ada@Example.com", cardNumber = "C-1", firstName = "Ada" });
        var again = await api.Pos.PostAsJsonAsync(api.Members, new { externalId = "shop-42", email = "Ada@Example.com" });
        var byEmail = await api.Pos.PostAsJsonAsync(api.Members, new { email = "ada@example.COM" });
        var clash = await api.Pos.PostAsJsonAsync(api.Members, new { externalId = "shop-43", email = "other@example.com" });
        var twoPeople = await api.Pos.PostAsJsonAsync(api.Members, new { externalId = "shop-43", email = "ada@example.com" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var member = await first.Content.ReadFromJsonAsync<MembersApi.MemberView>();
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(member!.Id, (await again.Content.ReadFromJsonAsync<MembersApi.MemberView>())!.Id);
        Assert.Equal(member.Id, (await byEmail.Content.ReadFromJsonAsync<MembersApi.MemberView>())!.Id);
        Assert.Equal(HttpStatusCode.Created, clash.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, twoPeople.StatusCode);

        var byCard = await api.Admin.GetFromJsonAsync<MembersApi.MemberView>($"{api.Members}/by/card/C-1");
        Assert.Equal(member.Id, byCard!.Id);
        var page = await api.Admin.GetFromJsonAsync<Page>($"{api.Members}?limit=10");
        Assert.Equal(2, page!.Items.Count);
    }

    [Fact]
    public async Task Bad_enrolment_fields_are_named_and_nothing_is_stored()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await MembersApi.CreateAsync(host);

        var response = await api.Pos.PostAsJsonAsync(api.Members, new { email = "not-an-email", birthDate = "2999-01-01", locale = "xx-nowhere", address = new { country = "Germany" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblem>();
        Assert.Equal(["address.country", "birthDate", "email", "locale"], problem!.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Empty((await api.Admin.GetFromJsonAsync<Page>(api.Members))!.Items);
    }

    [Fact]
    public async Task A_stale_profile_update_is_refused_with_412_and_a_fresh_one_succeeds()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await MembersApi.CreateAsync(host);
        var id = await api.EnrollAsync("shop-1", "ada@example.com");
        var read = await api.Admin.GetAsync($"{api.Members}/{id}");
        var etag = read.Headers.ETag!.Tag;

        using var first = new HttpRequestMessage(HttpMethod.Put, $"{api.Members}/{id}/profile") { Content = JsonContent.Create(new { email = "ada@example.com", firstName = "Ada", lastName = "Lovelace" }) };
        first.Headers.TryAddWithoutValidation("If-Match", etag);
        using var stale = new HttpRequestMessage(HttpMethod.Put, $"{api.Members}/{id}/profile") { Content = JsonContent.Create(new { email = "ada@example.com", firstName = "Augusta" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        using var withoutPrecondition = new HttpRequestMessage(HttpMethod.Put, $"{api.Members}/{id}/profile") { Content = JsonContent.Create(new { email = "ada@example.com" }) };

        var updated = await api.Admin.SendAsync(first);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.NotEqual(etag, updated.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await api.Admin.SendAsync(stale)).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await api.Admin.SendAsync(withoutPrecondition)).StatusCode);
        Assert.Equal("Lovelace", (await api.Admin.GetFromJsonAsync<Profile>($"{api.Members}/{id}"))!.LastName);
    }

    [Fact]
    public async Task A_suspended_member_cannot_earn_and_an_unknown_member_is_404()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await MembersApi.CreateAsync(host);
        var id = await api.EnrollAsync("shop-1");
        var suspended = await api.Admin.PostAsJsonAsync($"{api.Members}/{id}/status", new { status = "suspended", reason = "fraud check" });

        var purchase = await api.PurchaseAsync("T-1", id, 1000, host.Clock.GetUtcNow());
        var unknown = await api.PurchaseAsync("T-2", Guid.NewGuid(), 1000, host.Clock.GetUtcNow());

        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, purchase.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Admin.GetAsync($"{api.Members}/{Guid.NewGuid()}")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_card_added_to_a_member_finds_them_and_cannot_be_given_to_another(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        var ada = await api.EnrollAsync("shop-1", "ada@example.com");
        var grace = await api.EnrollAsync("shop-2", "grace@example.com");

        var added = await api.Admin.PostAsJsonAsync($"{api.Members}/{ada}/identifiers", new { kind = "card", value = "C-777" });
        var again = await api.Admin.PostAsJsonAsync($"{api.Members}/{ada}/identifiers", new { kind = "card", value = "C-777" });
        var taken = await api.Admin.PostAsJsonAsync($"{api.Members}/{grace}/identifiers", new { kind = "card", value = "C-777" });
        var found = await api.Admin.GetFromJsonAsync<MembersApi.MemberView>($"{api.Members}/by/card/C-777");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Conflict), (added.StatusCode, again.StatusCode, taken.StatusCode));
        Assert.Equal(ada, found!.Id);
    }

    private sealed record Page(List<MembersApi.MemberView> Items, Guid? Next);

    private sealed record Profile(string? FirstName, string? LastName);
}
