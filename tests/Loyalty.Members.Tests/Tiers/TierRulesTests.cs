using Loyalty.Members.Tiers;

namespace Loyalty.Members.Tests.Tiers;

public sealed class TierRulesTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static readonly IReadOnlyList<TierDefinition> Ladder =
    [
        Tier("bronze", 1, 0),
        Tier("silver", 2, 500),
        Tier("gold", 3, 1000),
        Tier("platinum", 4, 2000),
    ];

    [Theory]
    [InlineData(0, 0)]
    [InlineData(499, 0)]
    [InlineData(500, 1)]
    [InlineData(1999, 2)]
    [InlineData(5000, 3)]
    public void A_value_reaches_the_highest_tier_whose_threshold_it_meets(long value, int tier)
    {
        Assert.Equal(tier, TierRules.Reached(Ladder, value));
    }

    [Fact]
    public void Below_the_lowest_threshold_no_tier_is_reached()
    {
        Assert.Equal(-1, TierRules.Reached([Tier("silver", 1, 500)], 499));
    }

    [Theory]
    [InlineData(3, 0, 1, 2)]
    [InlineData(3, 0, 2, 1)]
    [InlineData(3, 0, 5, 0)]
    [InlineData(3, 1200, 1, 2)]
    [InlineData(3, 1500, 3, 2)]
    [InlineData(2, 1500, 1, 2)]
    [InlineData(1, 1500, 1, 2)]
    public void An_evaluation_moves_down_by_at_most_the_allowed_levels_and_up_to_what_the_value_reaches(int current, long value, int maxLevelsDown, int expected)
    {
        Assert.Equal(expected, TierRules.Evaluate(Ladder, current, value, maxLevelsDown));
    }

    [Fact]
    public void A_member_below_the_lowest_threshold_can_drop_out_of_the_ladder()
    {
        Assert.Equal(-1, TierRules.Evaluate([Tier("silver", 1, 500), Tier("gold", 2, 1000)], 0, 100, 1));
    }

    [Fact]
    public void A_calendar_window_starts_at_new_year_in_the_program_time_zone_and_one_ending_at_new_year_is_the_year_before()
    {
        var newYear2027 = new DateTimeOffset(2026, 12, 31, 23, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2025, 12, 31, 23, 0, 0, TimeSpan.Zero), TierRules.WindowStart(TierWindow.CalendarYear, Berlin, new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2025, 12, 31, 23, 0, 0, TimeSpan.Zero), TierRules.WindowStart(TierWindow.CalendarYear, Berlin, newYear2027));
        Assert.Equal(newYear2027, TierRules.NextEvaluation(TierWindow.CalendarYear, Berlin, new DateTimeOffset(2026, 12, 31, 22, 59, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2027, 12, 31, 23, 0, 0, TimeSpan.Zero), TierRules.NextEvaluation(TierWindow.CalendarYear, Berlin, newYear2027));
    }

    [Fact]
    public void A_rolling_window_is_the_twelve_months_before_and_is_evaluated_twelve_months_on()
    {
        var at = new DateTimeOffset(2026, 3, 15, 10, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2025, 3, 15, 10, 0, 0, TimeSpan.Zero), TierRules.WindowStart(TierWindow.Rolling12Months, Berlin, at));
        Assert.Equal(new DateTimeOffset(2027, 3, 15, 10, 0, 0, TimeSpan.Zero), TierRules.NextEvaluation(TierWindow.Rolling12Months, Berlin, at));
    }

    private static TierDefinition Tier(string code, int rank, long threshold) =>
        new() { Id = Guid.NewGuid(), Code = code, Name = code, Rank = rank, Threshold = threshold };
}
