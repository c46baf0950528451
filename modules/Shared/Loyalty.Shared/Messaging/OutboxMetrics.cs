using System.Diagnostics.Metrics;

namespace Loyalty.Shared.Messaging;

/// <summary>The outbox's instruments, on meter <c>Loyalty.Messaging</c> (docs/operations.md, "Watching it").</summary>
internal sealed class OutboxMetrics
{
    public const string MeterName = "Loyalty.Messaging";

    private readonly Histogram<double> _deliveryLag;
    private readonly Counter<long> _deadLettered;

    public OutboxMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _deliveryLag = meter.CreateHistogram<double>(
            "loyalty.outbox.delivery_lag", "s", "Time from an event's commit to its delivery to every handler");
        _deadLettered = meter.CreateCounter<long>(
            "loyalty.outbox.dead_lettered", "{event}", "Events given up on after their last attempt");
    }

    public void Delivered(string module, TimeSpan lag) => _deliveryLag.Record(lag.TotalSeconds, new KeyValuePair<string, object?>("loyalty.module", module));

    public void DeadLettered(string module) => _deadLettered.Add(1, new KeyValuePair<string, object?>("loyalty.module", module));
}
