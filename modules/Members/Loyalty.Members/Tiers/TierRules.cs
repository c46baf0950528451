namespace Loyalty.Members.Tiers;

/// <summary>The arithmetic of tiers: windows, evaluation dates and where a qualifying value puts a member.</summary>
internal static class TierRules
{
    /// <summary>
    /// Where the window that ends at <paramref name="end"/> starts: 12 months before it, or at the start of the
    /// calendar year (program time zone) the window's last moment falls in. A calendar window ending on 1 January
    /// is therefore the whole year before.
    /// </summary>
    public static DateTimeOffset WindowStart(TierWindow window, TimeZoneInfo zone, DateTimeOffset end)
    {
        if (window == TierWindow.Rolling12Months)
        {
            return end.AddMonths(-12);
        }

        var lastMoment = TimeZoneInfo.ConvertTime(end.AddTicks(-1), zone);
        return StartOfYear(zone, lastMoment.Year);
    }

    /// <summary>
    /// When a member who reached or kept a tier at <paramref name="at"/> is evaluated next: 12 months later, or when
    /// the calendar year (program time zone) ends.
    /// </summary>
    public static DateTimeOffset NextEvaluation(TierWindow window, TimeZoneInfo zone, DateTimeOffset at) =>
        window == TierWindow.Rolling12Months
            ? at.AddMonths(12)
            : StartOfYear(zone, TimeZoneInfo.ConvertTime(at, zone).Year + 1);

    /// <summary>The index in <paramref name="ladder"/> (lowest first) of the highest tier <paramref name="value"/> reaches; -1 for none.</summary>
    public static int Reached(IReadOnlyList<TierDefinition> ladder, long value)
    {
        var reached = -1;
        for (var i = 0; i < ladder.Count && ladder[i].Threshold <= value; i++)
        {
            reached = i;
        }

        return reached;
    }

    /// <summary>
    /// Where an evaluation puts a member at <paramref name="current"/> (-1: no tier) with <paramref name="value"/>:
    /// up to whatever the value reaches, down by at most <paramref name="maxLevelsDown"/>.
    /// </summary>
    public static int Evaluate(IReadOnlyList<TierDefinition> ladder, int current, long value, int maxLevelsDown)
    {
        var reached = Reached(ladder, value);
        return reached >= current ? reached : Math.Max(reached, current - maxLevelsDown);
    }

    private static DateTimeOffset StartOfYear(TimeZoneInfo zone, int year)
    {
        var local = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
