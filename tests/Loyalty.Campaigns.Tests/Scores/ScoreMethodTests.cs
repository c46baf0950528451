using Loyalty.Campaigns.Scores;
using Loyalty.Members.Contracts;

namespace Loyalty.Campaigns.Tests.Scores;

public sealed class ScoreMethodTests
{
    private static readonly DateTimeOffset Now = new(2027, 12, 1, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Ten_distinct_values_fall_two_in_each_quintile_and_equal_values_share_one()
    {
        var boundaries = ScoreMethod.Boundaries([700, 100, 900, 300, 1000, 200, 500, 400, 800, 600]);

        Assert.Equal([300L, 500, 700, 900], boundaries);
        Assert.Equal([1, 1, 2, 2, 3, 3, 4, 4, 5, 5], new long[] { 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000 }.Select(v => ScoreMethod.Quintile(v, boundaries)));
        var ties = ScoreMethod.Boundaries([1, 1, 1, 1, 2]);
        Assert.Equal([1L, 1, 1, 2], ties);
        Assert.Equal([4, 5], new long[] { 1, 2 }.Select(v => ScoreMethod.Quintile(v, ties)));
    }

    [Fact]
    public void Rfm_values_count_the_last_365_days_with_recency_as_minus_the_days_since_the_last_purchase()
    {
        var member = Member(Now.AddDays(-800), (-400, 9999), (-300, 1000), (-20, 2500), (-5, 500));

        Assert.Equal((-5L, 3L, 4000L), ScoreMethod.RfmValues(member, Now));
        Assert.Null(ScoreMethod.RfmValues(Member(Now.AddDays(-800), (-400, 9999)), Now));
    }

    [Fact]
    public void The_auc_is_the_share_of_lapsed_and_active_pairs_ordered_right_with_ties_counting_half()
    {
        Assert.Equal(1.0, ChurnModel.Auc([(0.9, true), (0.8, true), (0.2, false), (0.1, false)]));
        Assert.Equal(0.0, ChurnModel.Auc([(0.1, true), (0.9, false)]));
        Assert.Equal(0.5, ChurnModel.Auc([(0.5, true), (0.5, false)]));
        Assert.Equal(0.75, ChurnModel.Auc([(0.9, true), (0.3, true), (0.5, false), (0.1, false)]));
        Assert.Null(ChurnModel.Auc([(0.9, true)]));
    }

    [Fact]
    public void A_history_where_lapsing_members_are_predictable_trains_a_regression_that_validates_above_0_7_on_the_held_out_period()
    {
        var members = Synthetic(new Random(7), 600);
        var fitted = Fit(members);

        Assert.Equal(ChurnModel.Logistic, fitted.Model.Kind);
        Assert.Null(fitted.Reason);
        Assert.True(fitted.Auc > 0.7, $"AUC {fitted.Auc}");
        Assert.Equal(600, fitted.TrainingMembers);
        Assert.InRange(fitted.ValidationLapsed, 20, 580);
        Assert.Equal(ChurnModel.FeatureNames, fitted.Model.Features.Select(f => f.Name));
        // Lapsing shows as days without a purchase: that weight pushes the risk up, recent purchases push it down.
        Assert.True(fitted.Model.Features[0].Weight > 0);
        Assert.True(fitted.Model.Features[1].Weight < 0);
    }

    [Fact]
    public void With_fewer_than_200_members_the_heuristic_is_used_and_says_why()
    {
        var fitted = Fit(Synthetic(new Random(7), 150));

        Assert.Equal(ChurnModel.Heuristic, fitted.Model.Kind);
        Assert.StartsWith("heuristic: too little history (150 members at the training cut-off", fitted.Reason, StringComparison.Ordinal);
        // The heuristic is validated on the same held-out period, so the admin sees how good it is.
        Assert.NotNull(fitted.Auc);
    }

    [Fact]
    public void The_heuristic_risk_is_half_at_the_members_usual_gap_and_grows_with_the_days_since()
    {
        // One purchase in the last year: a usual gap of 90 days.
        var once = Member(Now.AddDays(-400), (-90, 1000));
        Assert.Equal(50, ChurnModel.Risk(ChurnModel.HeuristicModel.Probability(ChurnModel.FeaturesAt(once, Now)!)));
        // Twelve purchases in the last year: a gap of 365 / 12 days, so 90 days since the last is 75 %.
        var monthly = Member(Now.AddDays(-400), [.. Enumerable.Range(0, 12).Select(i => (-90 - 20 * i, 1000L))]);
        Assert.Equal(75, ChurnModel.Risk(ChurnModel.HeuristicModel.Probability(ChurnModel.FeaturesAt(monthly, Now)!)));
    }

    [Fact]
    public void The_lifetime_value_is_a_years_spend_times_the_expected_remaining_years_at_most_five()
    {
        Assert.Equal(120_000, ScoreMethod.LifetimeValue(120_000, 0.2));
        Assert.Equal(600_000, ScoreMethod.LifetimeValue(120_000, 0.01));
        Assert.Equal(0, ScoreMethod.LifetimeValue(120_000, 1));
        Assert.Equal(0, ScoreMethod.LifetimeValue(0, 0.2));
    }

    private static FittedModel Fit(IReadOnlyList<MemberHistory> members)
    {
        var training = members.Select(m => ChurnModel.FeaturesAt(m, ScoreMethod.TrainingCutOff(Now)) is { } x ? new Example(x, m.LapsedAfter(ScoreMethod.TrainingCutOff(Now))) : (Example?)null)
            .OfType<Example>().ToList();
        var validation = members.Select(m => ChurnModel.FeaturesAt(m, ScoreMethod.ValidationCutOff(Now)) is { } x ? new Example(x, m.LapsedAfter(ScoreMethod.ValidationCutOff(Now))) : (Example?)null)
            .OfType<Example>().ToList();
        return ScoreMethod.Fit(training, validation, new ScoreOptions());
    }

    /// <summary>
    /// Two years of members: regulars buy every 10 to 45 days until now; lapsing members (40 %) buy so until a day of
    /// their own, then never again.
    /// </summary>
    internal static List<MemberHistory> Synthetic(Random random, int count)
    {
        var members = new List<MemberHistory>();
        for (var i = 0; i < count; i++)
        {
            var enrolled = Now.AddDays(-730 + random.Next(0, 200));
            var stop = random.NextDouble() < 0.4 ? enrolled.AddDays(random.Next(60, 720)) : Now;
            var gap = random.Next(10, 46);
            var purchases = new List<PastPurchase>();
            for (var at = enrolled.AddDays(random.Next(0, gap)); at <= stop && at <= Now; at = at.AddDays(gap + random.Next(-5, 6)))
            {
                purchases.Add(new PastPurchase(at, random.Next(1000, 6000)));
            }

            members.Add(new MemberHistory(Guid.CreateVersion7(), enrolled, purchases));
        }

        return members;
    }

    private static MemberHistory Member(DateTimeOffset enrolled, params (int Day, long Total)[] purchases) =>
        new(Guid.NewGuid(), enrolled, purchases.OrderBy(p => p.Day).Select(p => new PastPurchase(Now.AddDays(p.Day), p.Total)).ToList());
}
