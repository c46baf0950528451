namespace Loyalty.Campaigns.Scores;

/// <summary>A labelled member at a cut-off: the features then, and whether they bought nothing in the 90 days after.</summary>
internal readonly record struct Example(double[] X, bool Lapsed);

/// <summary>The model chosen for a program with the figures the admin sees.</summary>
internal sealed record FittedModel(
    ChurnModel Model, string? Reason, double? Auc, int TrainingMembers, int TrainingLapsed, int ValidationMembers, int ValidationLapsed);

/// <summary>RFM quintiles, the churn model's training with its held-out validation, and the lifetime value (docs/scores.md).</summary>
internal static class ScoreMethod
{
    /// <summary>RFM looks at the purchases of this window.</summary>
    public static readonly TimeSpan RfmWindow = TimeSpan.FromDays(365);

    /// <summary>The expected remaining lifetime in the lifetime value is at most this many years.</summary>
    public const decimal MaxLifetimeYears = 5;

    /// <summary>Purchases older than this are not read: the features at the training cut-off look back a year from 180 days ago.</summary>
    public static readonly TimeSpan History = TimeSpan.FromDays(730);

    /// <summary>The held-out period is the last 90 days: the validation cut-off is 90 days ago, the training cut-off 180.</summary>
    public static DateTimeOffset ValidationCutOff(DateTimeOffset now) => now - ChurnModel.Horizon;

    public static DateTimeOffset TrainingCutOff(DateTimeOffset now) => now - 2 * ChurnModel.Horizon;

    /// <summary>
    /// Trains on the members at the training cut-off (labels from the 90 days up to the validation cut-off) and
    /// validates on the members at the validation cut-off (labels from the last 90 days, which training never saw).
    /// With fewer than <see cref="ScoreOptions.MinimumMembers"/> members (200), or fewer than
    /// <see cref="ScoreOptions.MinimumPerOutcome"/> (20) of either outcome, in either set, the heuristic is used instead;
    /// its AUC on the validation set is shown when that set has both outcomes.
    /// </summary>
    public static FittedModel Fit(IReadOnlyList<Example> training, IReadOnlyList<Example> validation, ScoreOptions options)
    {
        bool Enough(IReadOnlyList<Example> set) =>
            set.Count >= options.MinimumMembers && set.Count(e => e.Lapsed) >= options.MinimumPerOutcome && set.Count(e => !e.Lapsed) >= options.MinimumPerOutcome;

        var enough = Enough(training) && Enough(validation);
        var model = enough ? ChurnModel.Train(training.Select(e => (e.X, e.Lapsed)).ToList()) : ChurnModel.HeuristicModel;
        var auc = ChurnModel.Auc(validation.Select(e => (model.Probability(e.X), e.Lapsed)).ToList());
        var reason = enough
            ? null
            : $"heuristic: too little history ({training.Count} members at the training cut-off, {validation.Count} at the validation cut-off; "
              + $"each needs {options.MinimumMembers} with {options.MinimumPerOutcome} of each outcome)";
        return new FittedModel(model, reason, auc, training.Count, training.Count(e => e.Lapsed), validation.Count, validation.Count(e => e.Lapsed));
    }

    /// <summary>
    /// The member's RFM values over the window up to <paramref name="at"/>: recency as minus the whole days since the
    /// last purchase (so that higher is better on all three), frequency as the purchases, monetary as their total in
    /// minor units. Null without a purchase in the window.
    /// </summary>
    public static (long Recency, long Frequency, long Monetary)? RfmValues(MemberHistory member, DateTimeOffset at)
    {
        var inWindow = member.Purchases.Where(p => p.OccurredAt <= at && p.OccurredAt > at - RfmWindow).ToList();
        if (inWindow.Count == 0)
        {
            return null;
        }

        return (-(long)(at - inWindow[^1].OccurredAt).TotalDays, inWindow.Count, inWindow.Sum(p => p.TotalMinor));
    }

    /// <summary>
    /// The four quintile boundaries of the values: with the values sorted ascending, those at positions ⌊k·n/5⌋ for
    /// k = 1..4. A value's quintile is 1 plus the boundaries it reaches, so ten distinct values score 1,1,2,2,3,3,4,4,5,5
    /// and equal values share one quintile (the highest their positions reach).
    /// </summary>
    public static long[] Boundaries(IEnumerable<long> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? [] : [.. Enumerable.Range(1, 4).Select(k => sorted[k * sorted.Length / 5])];
    }

    public static int Quintile(long value, long[] boundaries) => 1 + boundaries.Count(b => value >= b);

    /// <summary>
    /// The lifetime value still to come, in minor units: the spend of the last 365 days (a year's spend at the member's
    /// own pace) times the expected remaining years. With p the 90-day churn probability, the member stays (1 − p) / p
    /// more quarters on average (a geometric lifetime), at most 5 years.
    /// </summary>
    public static long LifetimeValue(long annualSpendMinor, double churnProbability)
    {
        var years = churnProbability <= 0 ? MaxLifetimeYears : Math.Min(MaxLifetimeYears, (decimal)((1 - churnProbability) / churnProbability / 4));
        return (long)Math.Round(Math.Max(0, annualSpendMinor) * years, MidpointRounding.AwayFromZero);
    }
}
