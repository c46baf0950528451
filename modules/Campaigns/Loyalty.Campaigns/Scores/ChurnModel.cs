using Loyalty.Members.Contracts;

namespace Loyalty.Campaigns.Scores;

/// <summary>A member's purchases as scoring sees them: when they joined, and what they bought when.</summary>
internal sealed record MemberHistory(Guid MemberId, DateTimeOffset EnrolledAt, IReadOnlyList<PastPurchase> Purchases)
{
    /// <summary>The member's first day with the program: enrolment, or an earlier purchase claimed later.</summary>
    public DateTimeOffset JoinedAt => Purchases.Count > 0 && Purchases[0].OccurredAt < EnrolledAt ? Purchases[0].OccurredAt : EnrolledAt;

    /// <summary>Whether the member bought nothing in the <see cref="ChurnModel.Horizon"/> after <paramref name="cutOff"/>: the label the model learns.</summary>
    public bool LapsedAfter(DateTimeOffset cutOff) =>
        !Purchases.Any(p => p.OccurredAt > cutOff && p.OccurredAt <= cutOff + ChurnModel.Horizon);
}

/// <summary>One feature of the churn model: its weight on the standardised value, and how it is standardised.</summary>
internal sealed record ChurnFeature(string Name, double Weight, double Mean, double Scale);

/// <summary>
/// The churn-risk model of one program: a logistic regression over five features of the member's purchases at a point in
/// time, or, when the program has too little history to train and validate one, a transparent heuristic. Scores are
/// not money, so the model works in doubles; docs/scores.md documents the method.
/// </summary>
internal sealed record ChurnModel(string Kind, IReadOnlyList<ChurnFeature> Features, double Intercept)
{
    public const string Logistic = "logisticRegression";
    public const string Heuristic = "heuristic";

    /// <summary>A member "churned" who bought nothing in this long after a cut-off.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(90);

    public static readonly string[] FeatureNames = ["daysSinceLastPurchase", "purchasesLast90Days", "purchasesLast365Days", "spendTrend", "tenureDays"];

    /// <summary>
    /// The features of the member at <paramref name="at"/>, from the purchases up to then; null when the member had not
    /// joined yet. Days since the last purchase count from joining when there is none, and are capped at two years.
    /// The spend trend is ln(1 + spend of the last 90 days) − ln(1 + spend of the 90 days before).
    /// </summary>
    public static double[]? FeaturesAt(MemberHistory member, DateTimeOffset at)
    {
        var joined = member.JoinedAt;
        if (joined > at)
        {
            return null;
        }

        DateTimeOffset? last = null;
        int last90 = 0, last365 = 0;
        long spend90 = 0, spendBefore = 0;
        foreach (var purchase in member.Purchases)
        {
            if (purchase.OccurredAt > at)
            {
                break;
            }

            last = purchase.OccurredAt;
            var age = at - purchase.OccurredAt;
            if (age < TimeSpan.FromDays(90))
            {
                last90++;
                spend90 += purchase.TotalMinor;
            }
            else if (age < TimeSpan.FromDays(180))
            {
                spendBefore += purchase.TotalMinor;
            }

            if (age < TimeSpan.FromDays(365))
            {
                last365++;
            }
        }

        var daysSince = Math.Min(730, (at - (last ?? joined)).TotalDays);
        var trend = Math.Log(1 + Math.Max(0, spend90)) - Math.Log(1 + Math.Max(0, spendBefore));
        return [daysSince, last90, last365, trend, Math.Min(3650, (at - joined).TotalDays)];
    }

    /// <summary>The probability that a member with the features <paramref name="x"/> buys nothing in the next 90 days, 0 to 1.</summary>
    public double Probability(double[] x)
    {
        if (Kind == Heuristic)
        {
            // Risk grows with the days since the last purchase (d) against the member's usual gap between purchases
            // (g = 365 / purchases of the last year; 90 days with fewer than two): d / (d + g), 50 % at the usual gap.
            var gap = x[2] >= 2 ? 365 / x[2] : 90;
            return x[0] / (x[0] + gap);
        }

        var z = Intercept;
        for (var i = 0; i < Features.Count; i++)
        {
            z += Features[i].Weight * (x[i] - Features[i].Mean) / Features[i].Scale;
        }

        return 1 / (1 + Math.Exp(-z));
    }

    /// <summary>The churn risk as the API shows it: the probability in whole percent.</summary>
    public static int Risk(double probability) => (int)Math.Round(100 * probability, MidpointRounding.AwayFromZero);

    public static readonly ChurnModel HeuristicModel = new(Heuristic, FeatureNames.Select(n => new ChurnFeature(n, 0, 0, 1)).ToList(), 0);

    /// <summary>
    /// Fits the logistic regression by batch gradient descent on standardised features (mean 0, standard deviation 1
    /// over the training set), with a small L2 penalty so separable histories still give finite weights.
    /// </summary>
    public static ChurnModel Train(IReadOnlyList<(double[] X, bool Lapsed)> examples, int iterations = 1500, double learningRate = 0.5, double l2 = 0.001)
    {
        var n = examples.Count;
        var k = FeatureNames.Length;
        var means = new double[k];
        var scales = new double[k];
        for (var j = 0; j < k; j++)
        {
            means[j] = examples.Average(e => e.X[j]);
            var variance = examples.Average(e => (e.X[j] - means[j]) * (e.X[j] - means[j]));
            scales[j] = variance > 1e-12 ? Math.Sqrt(variance) : 1;
        }

        var z = examples.Select(e => Enumerable.Range(0, k).Select(j => (e.X[j] - means[j]) / scales[j]).ToArray()).ToArray();
        var y = examples.Select(e => e.Lapsed ? 1.0 : 0.0).ToArray();
        var w = new double[k];
        var b = 0.0;
        var gradient = new double[k];
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            Array.Clear(gradient);
            var gradientB = 0.0;
            for (var i = 0; i < n; i++)
            {
                var s = b;
                for (var j = 0; j < k; j++)
                {
                    s += w[j] * z[i][j];
                }

                var error = 1 / (1 + Math.Exp(-s)) - y[i];
                gradientB += error;
                for (var j = 0; j < k; j++)
                {
                    gradient[j] += error * z[i][j];
                }
            }

            b -= learningRate * gradientB / n;
            for (var j = 0; j < k; j++)
            {
                w[j] -= learningRate * (gradient[j] / n + l2 * w[j]);
            }
        }

        return new ChurnModel(Logistic, Enumerable.Range(0, k).Select(j => new ChurnFeature(FeatureNames[j], w[j], means[j], scales[j])).ToList(), b);
    }

    /// <summary>
    /// The area under the ROC curve: the chance that a member who lapsed got a higher risk than one who did not (ties
    /// count half). Null without both outcomes.
    /// </summary>
    public static double? Auc(IReadOnlyList<(double Score, bool Lapsed)> scored)
    {
        var positives = scored.Count(s => s.Lapsed);
        var negatives = scored.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            return null;
        }

        // Mann-Whitney: the rank sum of the positives, with tied scores sharing their average rank.
        var ordered = scored.OrderBy(s => s.Score).ToList();
        double rankSum = 0;
        for (var i = 0; i < ordered.Count;)
        {
            var j = i;
            while (j + 1 < ordered.Count && ordered[j + 1].Score == ordered[i].Score)
            {
                j++;
            }

            var rank = (i + j) / 2.0 + 1;
            for (var t = i; t <= j; t++)
            {
                if (ordered[t].Lapsed)
                {
                    rankSum += rank;
                }
            }

            i = j + 1;
        }

        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
