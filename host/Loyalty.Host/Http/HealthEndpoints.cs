using Loyalty.Shared.Modules;

namespace Loyalty.Host.Http;

internal static class HealthEndpoints
{
    /// <summary>
    /// <c>/health/live</c>: the process answers (restart it if not). <c>/health/ready</c>: every module's database answers
    /// and is migrated (send it traffic). Both are anonymous, for load balancers and orchestrators.
    /// </summary>
    public static WebApplication MapLoyaltyHealthChecks(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains(ModuleHostExtensions.ReadyTag) }).AllowAnonymous();
        return app;
    }
}
