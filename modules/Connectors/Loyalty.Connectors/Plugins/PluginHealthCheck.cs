using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Loyalty.Connectors.Plugins;

/// <summary>Degraded, not unhealthy, when a plugin failed to load: the rest of the program works without it.</summary>
internal sealed class PluginHealthCheck(PluginCatalog catalog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failed = catalog.Plugins.Where(p => !p.IsLoaded).ToList();
        var loaded = catalog.Plugins.Count - failed.Count;
        return Task.FromResult(failed.Count == 0
            ? HealthCheckResult.Healthy($"{loaded} connector plugin(s) loaded")
            : HealthCheckResult.Degraded(
                $"{failed.Count} connector plugin(s) failed to load: " + string.Join("; ", failed.Select(p => $"{Path.GetFileName(p.Folder)}: {p.Error}"))));
    }
}
