using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Feedback;

public sealed class ReviewTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_review_is_moderated_once_and_only_its_approval_earns_the_review_rules_points(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var rules = $"/api/campaigns/programs/{api.Program}/earning-rules";
        var rule = await marketer.PostAsJsonAsync(rules, new { name = "Reviews", trigger = "reviewWritten", effects = new { fixedPoints = 50 } });
        Assert.True(rule.IsSuccessStatusCode, await rule.Content.ReadAsStringAsync());
        (await marketer.PostAsync($"{rules}/{(await rule.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()}/activate", null)).EnsureSuccessStatusCode();
        var member = await api.EnrollAsync("reviewer-1");
        var reviews = $"/api/feedback/programs/{api.Program}/reviews";

        var outOfRange = await api.Pos.PostAsJsonAsync(reviews, new { externalId = "R-0", memberId = member, subjectType = "product", subjectId = "sku-1", rating = 6, text = "Wow" });
        Assert.Equal(HttpStatusCode.BadRequest, outOfRange.StatusCode);
        Assert.Contains("rating", await outOfRange.Content.ReadAsStringAsync());
        var praise = await api.Pos.PostAsJsonAsync(reviews, new { externalId = "R-1", memberId = member, subjectType = "product", subjectId = "sku-1", rating = 5, text = "Lovely coffee" });
        Assert.Equal(HttpStatusCode.Created, praise.StatusCode);
        var again = await api.Pos.PostAsJsonAsync(reviews, new { externalId = "R-1", memberId = member, subjectType = "product", subjectId = "sku-1", rating = 5, text = "Lovely coffee" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var reused = await api.Pos.PostAsJsonAsync(reviews, new { externalId = "R-1", memberId = member, subjectType = "product", subjectId = "sku-1", rating = 1, text = "Changed my mind" });
        Assert.Equal(HttpStatusCode.Conflict, reused.StatusCode);
        var rant = await api.Pos.PostAsJsonAsync(reviews, new { externalId = "R-2", memberId = member, subjectType = "store", subjectId = "berlin-mitte", rating = 1, text = "Call 0171 1234567" });
        Assert.Equal(HttpStatusCode.Created, rant.StatusCode);
        var praiseId = (await praise.Content.ReadFromJsonAsync<Review>())!.Id;
        var rantId = (await rant.Content.ReadFromJsonAsync<Review>())!.Id;

        var queue = await api.Admin.GetFromJsonAsync<List<Review>>($"{reviews}?status=pending");
        Assert.Equal(new[] { praiseId, rantId }.Order(), queue!.Select(r => r.Id).Order());

        var noReason = await api.Admin.PostAsJsonAsync($"{reviews}/{rantId}/moderation", new { decision = "reject" });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("reason", await noReason.Content.ReadAsStringAsync());
        var rejected = await api.Admin.PostAsJsonAsync($"{reviews}/{rantId}/moderation", new { decision = "reject", reason = "Contains a phone number" });
        Assert.Equal(("rejected", "Contains a phone number"), await StatusAsync(rejected));
        var approved = await api.Admin.PostAsJsonAsync($"{reviews}/{praiseId}/moderation", new { decision = "approve" });
        Assert.Equal(("approved", null), await StatusAsync(approved));
        Assert.Equal(HttpStatusCode.OK, (await api.Admin.PostAsJsonAsync($"{reviews}/{praiseId}/moderation", new { decision = "approve" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await api.Admin.PostAsJsonAsync($"{reviews}/{praiseId}/moderation", new { decision = "reject", reason = "Oops" })).StatusCode);
        Assert.Empty((await api.Admin.GetFromJsonAsync<List<Review>>($"{reviews}?status=pending"))!);

        // ReviewApproved reaches Campaigns through Feedback's outbox, which polls on the host's clock.
        for (var i = 0; i < 200 && (await api.PointsAsync(member)).Available == 0; i++)
        {
            host.Clock.Advance(TimeSpan.FromSeconds(1));
            await host.RunJobAsync("campaigns", "RecordPendingActivitiesJob");
            await Task.Delay(50);
        }

        Assert.Equal(50, (await api.PointsAsync(member)).Available);
        host.Clock.Advance(TimeSpan.FromMinutes(5));
        await host.RunJobAsync("campaigns", "RecordPendingActivitiesJob");
        Assert.Equal(50, (await api.PointsAsync(member)).Available);
    }

    private static async Task<(string Status, string? Reason)> StatusAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var review = (await response.Content.ReadFromJsonAsync<Review>())!;
        return (review.Status, review.Reason);
    }

    private sealed record Review(Guid Id, string Status, string? Reason);
}
