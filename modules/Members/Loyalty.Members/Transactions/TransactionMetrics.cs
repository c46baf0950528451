using System.Diagnostics.Metrics;

namespace Loyalty.Members.Transactions;

/// <summary>Transactions recorded through the API, on meter <c>Loyalty.Members</c> (docs/operations.md, "Watching it").</summary>
internal sealed class TransactionMetrics
{
    public const string MeterName = "Loyalty.Members";

    private readonly Counter<long> _transactions;
    private readonly Counter<long> _points;

    public TransactionMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _transactions = meter.CreateCounter<long>(
            "loyalty.members.transactions", "{transaction}", "New purchases and returns recorded through the API, by type (a repeated external id is not counted)");
        _points = meter.CreateCounter<long>(
            "loyalty.members.points_earned", "{point}", "Points the new transactions earned (negative for returns)");
    }

    public void Recorded(PurchaseTransaction transaction)
    {
        var type = new KeyValuePair<string, object?>("loyalty.transaction_type", transaction.Type.ToString().ToLowerInvariant());
        _transactions.Add(1, type);
        _points.Add(transaction.Points, type);
    }
}
