using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Loyalty.Host.Http;

/// <summary>The <c>ReverseProxy</c> section: which proxies in front of the host may say who the client is.</summary>
internal sealed class ReverseProxyOptions
{
    /// <summary>Addresses of the proxies (e.g. nginx) whose X-Forwarded-For and X-Forwarded-Proto are believed; loopback always is.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks in CIDR form (e.g. 10.0.0.0/24) whose proxies are believed.</summary>
    public string[] KnownNetworks { get; set; } = [];
}

/// <summary>
/// Behind a reverse proxy, the client's address (rate limits, voucher guessing protection) and whether it used HTTPS
/// (secure cookies) come from the proxy's X-Forwarded-For and X-Forwarded-Proto. Only trusted proxies are believed:
/// anyone else could claim any address.
/// </summary>
internal static class ReverseProxy
{
    public static IServiceCollection AddLoyaltyReverseProxy(this IServiceCollection services, IConfiguration configuration)
    {
        var proxies = configuration.GetSection("ReverseProxy").Get<ReverseProxyOptions>() ?? new ReverseProxyOptions();
        return services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in proxies.KnownProxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in proxies.KnownNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
    }
}
