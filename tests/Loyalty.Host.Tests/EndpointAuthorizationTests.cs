using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests;

public sealed class EndpointAuthorizationTests
{
    /// <summary>The endpoints meant for callers who are not signed in; every other one names a policy.</summary>
    private static readonly string[] AnonymousByDesign =
    [
        "/health/live",
        "/health/ready",
        "/openapi/{documentName}.json",
        "/scalar/{documentName?}",
        "/api/admin/auth/sign-in",
        // the admin UI: its sign-in page, sign-out, the language switch, and Blazor's redirect helper
        "/admin/sign-in",
        "/admin/sign-out",
        "/admin/culture",
        "/_framework/opaque-redirect",

        // The links in campaign messages: their signed token is the authorization.
        "/api/campaigns/m/",

        // The survey answer pages: a personal link's signed token is the authorization; a public link is open by choice.
        "/api/feedback/s/",
        "/api/feedback/public/",
    ];

    [Fact]
    public async Task Every_endpoint_names_one_of_the_loyalty_policies_or_is_anonymous_by_design()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);

        var anonymous = new List<string>();
        var unprotected = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var route = endpoint.RoutePattern.RawText ?? endpoint.DisplayName ?? "?";
            if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                anonymous.Add(route);
                continue;
            }

            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
            if (!policies.Any(p => p is not null && Policies.RolesByPolicy.ContainsKey(p)))
            {
                unprotected.Add($"{route} ({endpoint.DisplayName})");
            }
        }

        Assert.True(unprotected.Count == 0, "Endpoints without a loyalty policy: " + string.Join(", ", unprotected));
        var unexpected = anonymous.Where(route => !AnonymousByDesign.Any(allowed => route.StartsWith(allowed.Split('{')[0], StringComparison.Ordinal))).ToList();
        Assert.True(unexpected.Count == 0, "Anonymous endpoints not meant to be: " + string.Join(", ", unexpected));
    }
}
