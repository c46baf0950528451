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

    [Fact]
    public async Task Behind_a_trusted_proxy_each_client_address_has_its_own_limit_and_others_cannot_claim_an_address()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["RateLimiting:PermitsPerWindow"] = "2",
            ["RateLimiting:Window"] = "00:01:00",
            ["ReverseProxy:KnownProxies:0"] = "10.0.0.10",
        });

        Task<HttpStatusCode> Call(string from, string? forwardedFor) => Status(host, from, forwardedFor);

        Assert.Equal(HttpStatusCode.Unauthorized, await Call("10.0.0.10", "203.0.113.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Call("10.0.0.10", "203.0.113.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Call("10.0.0.10", "203.0.113.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Call("10.0.0.10", "203.0.113.2"));

        // An untrusted caller's header is ignored: its own address is counted, whatever it claims.
        Assert.Equal(HttpStatusCode.Unauthorized, await Call("198.51.100.7", "203.0.113.3"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Call("198.51.100.7", "203.0.113.4"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Call("198.51.100.7", "203.0.113.5"));
    }

    private static async Task<HttpStatusCode> Status(LoyaltyHost host, string from, string? forwardedFor)
    {
        var context = await host.Server.SendAsync(http =>
        {
            http.Request.Method = "GET";
            http.Request.Path = "/api/members/programs";
            http.Connection.RemoteIpAddress = IPAddress.Parse(from);
            if (forwardedFor is not null)
            {
                http.Request.Headers["X-Forwarded-For"] = forwardedFor;
            }
        });
        return (HttpStatusCode)context.Response.StatusCode;
    }
}
