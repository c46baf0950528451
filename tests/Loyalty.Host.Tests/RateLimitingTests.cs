using System.Net;
using Loyalty.Shared.Persistence;

namespace Loyalty.Host.Tests;

public sealed class RateLimitingTests
{
    [Fact]
    public async Task A_caller_over_its_limit_gets_429_with_Retry_After_while_health_probes_go_on()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["RateLimiting:PermitsPerWindow"] = "3",
            ["RateLimiting:Window"] = "00:01:00",
        });
        using var client = host.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/members/programs")).StatusCode);
        }

        var refused = await client.GetAsync("/api/members/programs");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }
}
