using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Loyalty.Host.Startup;

internal static class Welcome
{
    public static void PrintWelcome(this WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? "(no address)";
        Console.WriteLine($"""
            Loyalty.Monolith is running at {address}
              API reference: {address}/scalar
              OpenAPI:       {address}/openapi/v1.json
              Health:        {address}/health/ready
            Sign in with POST {address}/api/admin/auth/sign-in {"{"}"userName": "…", "password": "…"{"}"}.
            """);
    }
}
