using Loyalty.Connectors.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Loyalty.Connectors.Sync;

/// <summary>Each synced connection by its last finished run: degraded while any connection's last run failed.</summary>
internal sealed class ConnectionsHealthCheck(IServiceScopeFactory scopes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConnectorsDbContext>();
        var connections = await db.Connections.AsNoTracking()
            .Where(c => db.SyncSetups.Any(s => s.ConnectionId == c.Id))
            .Select(c => new
            {
                c.Name,
                Last = db.SyncRuns.Where(r => r.ConnectionId == c.Id && r.FinishedAt != null).OrderByDescending(r => r.FinishedAt).Select(r => (SyncRunStatus?)r.Status).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        var states = connections.OrderBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => $"{c.Name}: {c.Last?.ToString().ToLowerInvariant() ?? "not run yet"}").ToList();
        var description = states.Count == 0 ? "No connection is synced." : string.Join("; ", states);
        return connections.Any(c => c.Last == SyncRunStatus.Failed)
            ? new HealthCheckResult(context.Registration.FailureStatus, description)
            : HealthCheckResult.Healthy(description);
    }
}
