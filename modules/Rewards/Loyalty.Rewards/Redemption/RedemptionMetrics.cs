using System.Diagnostics.Metrics;

namespace Loyalty.Rewards.Redemption;

/// <summary>Redemptions as they are decided, on meter <c>Loyalty.Rewards</c> (docs/operations.md, "Watching it").</summary>
internal sealed class RedemptionMetrics
{
    public const string MeterName = "Loyalty.Rewards";

    private readonly Counter<long> _redemptions;
    private readonly Counter<long> _points;

    public RedemptionMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _redemptions = meter.CreateCounter<long>(
            "loyalty.rewards.redemptions", "{redemption}", "Redemptions decided, by outcome (completed, refused, failed) and the refusal's problem code");
        _points = meter.CreateCounter<long>("loyalty.rewards.points_redeemed", "{point}", "Points debited by completed redemptions");
    }

    /// <summary>Counts a new decision; a replay of an earlier one (same external id) is not counted again.</summary>
    public void Decided(RedemptionOutcome outcome)
    {
        if (outcome.Replayed)
        {
            return;
        }

        var (result, reason) = outcome switch
        {
            { Refusal: { } refusal } => ("refused", refusal.Problem),
            { Redemption.Status: RedemptionStatus.Completed } => ("completed", null),
            { Redemption: { Status: RedemptionStatus.Failed } failed } => ("failed", failed.FailureReason),
            _ => ("pending", null),
        };
        _redemptions.Add(1, new KeyValuePair<string, object?>("loyalty.outcome", result), new KeyValuePair<string, object?>("loyalty.reason", reason));
        if (result == "completed")
        {
            _points.Add(outcome.Redemption!.Points);
        }
    }
}
