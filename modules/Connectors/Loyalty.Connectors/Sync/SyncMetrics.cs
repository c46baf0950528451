using System.Diagnostics.Metrics;

namespace Loyalty.Connectors.Sync;

/// <summary>Finished sync runs, on meter <c>Loyalty.Connectors</c> (docs/operations.md, "Watching it").</summary>
internal sealed class SyncMetrics
{
    public const string MeterName = "Loyalty.Connectors";

    private readonly Counter<long> _runs;
    private readonly Counter<long> _records;
    private readonly Histogram<double> _duration;

    public SyncMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _runs = meter.CreateCounter<long>("loyalty.connectors.runs", "{run}", "Sync runs finished, by connector and status (completed, stopped, failed)");
        _records = meter.CreateCounter<long>(
            "loyalty.connectors.records", "{record}", "Records a run handled, by connector, direction (inbound, outbound) and result (created, updated, sent, failed, ...)");
        _duration = meter.CreateHistogram<double>("loyalty.connectors.run_duration", "s", "Time from a run's start to its end");
    }

    public void Finished(string connectorId, SyncRun run)
    {
        var connector = new KeyValuePair<string, object?>("loyalty.connector", connectorId);
        _runs.Add(1, connector, new KeyValuePair<string, object?>("loyalty.status", run.Status.ToString().ToLowerInvariant()));
        if (run.StartedAt is { } started && run.FinishedAt is { } finished)
        {
            _duration.Record((finished - started).TotalSeconds, connector);
        }

        foreach (var (direction, result, count) in new[]
        {
            ("inbound", "read", run.Read), ("inbound", "created", run.Created), ("inbound", "updated", run.Updated), ("inbound", "skipped", run.Skipped),
            ("inbound", "failed", run.Failed), ("inbound", "conflicts", run.Conflicts),
            ("outbound", "sent", run.Sent), ("outbound", "skipped", run.SendSkipped), ("outbound", "failed", run.SendFailed),
        })
        {
            if (count > 0)
            {
                _records.Add(count, connector, new("loyalty.direction", direction), new("loyalty.result", result));
            }
        }
    }
}
