using Loyalty.Connectors.Persistence;
using Loyalty.Connectors.Sdk;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Connectors.Sync;

/// <summary>
/// A connection's budget of connector calls per hour (<see cref="SyncSetup.CallsPerHour"/>), shared by its runs on
/// every node: the calls of the runs started in the last hour count. When it is spent the run stops as it does when
/// the CRM rate-limits it, with its cursor and queue kept, and the next run is due when the oldest of those runs is an
/// hour old. GDPR writes (erasure, restriction flags) do not draw on it: they must reach the CRM.
/// </summary>
internal sealed class CallBudget
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly SyncRun _run;
    private readonly int? _limit;
    private readonly int _spentByEarlierRuns;
    private readonly DateTimeOffset _freesAt;
    private readonly TimeProvider _clock;

    private CallBudget(SyncRun run, int? limit, int spentByEarlierRuns, DateTimeOffset freesAt, TimeProvider clock) =>
        (_run, _limit, _spentByEarlierRuns, _freesAt, _clock) = (run, limit, spentByEarlierRuns, freesAt, clock);

    public static async Task<CallBudget> ReadAsync(ConnectorsDbContext db, SyncSetup setup, SyncRun run, TimeProvider clock, CancellationToken cancellationToken)
    {
        var started = run.StartedAt ?? clock.GetUtcNow();
        if (setup.CallsPerHour is null)
        {
            return new CallBudget(run, null, 0, started, clock);
        }

        var since = clock.GetUtcNow() - Window;
        var earlier = await db.SyncRuns.AsNoTracking()
            .Where(r => r.ConnectionId == run.ConnectionId && r.Id != run.Id && r.StartedAt > since && r.Calls > 0)
            .Select(r => new { r.StartedAt, r.Calls })
            .ToListAsync(cancellationToken);
        var oldest = earlier.Select(r => r.StartedAt!.Value).Append(started).Min();
        return new CallBudget(run, setup.CallsPerHour, earlier.Sum(r => r.Calls), oldest + Window, clock);
    }

    /// <summary>Counts <paramref name="calls"/> calls about to be made, or stops the run when they would overspend the budget.</summary>
    public void Take(int calls = 1)
    {
        if (_limit is { } limit && _spentByEarlierRuns + _run.Calls + calls > limit)
        {
            var wait = _freesAt - _clock.GetUtcNow();
            throw new ConnectorException(
                ConnectorErrorKind.RateLimited, $"the connection's budget of {limit} calls per hour is spent", retryAfter: wait > TimeSpan.Zero ? wait : TimeSpan.FromMinutes(1));
        }

        _run.Calls += calls;
    }
}
