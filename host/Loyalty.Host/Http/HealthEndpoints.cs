using Loyalty.Shared.Modules;
using Loyalty.Shared.Security;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Loyalty.Host.Http;

internal static class HealthEndpoints
{
    /// <summary>
    /// <c>/health/live</c>: the process answers (restart it if not). <c>/health/ready</c>: every module's database answers
    /// and is migrated (send it traffic). Both are anonymous, for load balancers and orchestrators, and say only
    /// Healthy, Degraded or Unhealthy. <c>GET /api/admin/health</c> reports every check (databases, the job scheduler,
    /// SMTP servers, connector plugins and connections) with its description, for operators.
    /// </summary>
    public static WebApplication MapLoyaltyHealthChecks(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains(ModuleHostExtensions.ReadyTag) }).AllowAnonymous();
        app.MapGet("/api/admin/health", async (HealthCheckService health, CancellationToken cancellationToken) =>
            {
                var report = await health.CheckHealthAsync(cancellationToken);
                return TypedResults.Ok(new HealthReportDto(
                    report.Status.ToString(),
                    report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal)
                        .Select(e => new HealthCheckDto(e.Key, e.Value.Status.ToString(), e.Value.Description, e.Value.Duration.TotalMilliseconds, [.. e.Value.Tags]))
                        .ToList()));
            })
            .WithSummary("Every health check with its status and description: databases, the job scheduler, SMTP, connectors.")
            .WithTags("admin")
            .RequireAuthorization(Policies.Administer);
        return app;
    }

    internal sealed record HealthReportDto(string Status, IReadOnlyList<HealthCheckDto> Checks);

    internal sealed record HealthCheckDto(string Name, string Status, string? Description, double DurationMs, IReadOnlyList<string> Tags);
}
