using Quartz;

namespace Loyalty.Campaigns.Sends;

/// <summary>
/// The schedule of a recurring campaign: a Quartz cron expression (seconds, minutes, hours, day of month, month, day of
/// week, optional year), read in the program's time zone.
/// </summary>
internal static class CampaignRecurrence
{
    /// <summary>Occurrences closer together than this are refused: a campaign is not a notification stream.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromHours(1);

    /// <summary>Why the expression cannot be a campaign's schedule, or null when it can.</summary>
    public static string? Problem(string expression, DateTimeOffset now)
    {
        CronExpression cron;
        try
        {
            // In UTC: the time zone moves occurrences, not the distance between them (but for a clock change).
            cron = new CronExpression(expression, TimeZoneInfo.Utc);
        }
        catch (FormatException e)
        {
            return $"Give a Quartz cron expression with seconds, such as \"0 0 9 ? * MON\" (Mondays at 09:00): {e.Message}";
        }

        var first = cron.GetNextValidTimeAfter(now);
        if (first is null)
        {
            return "The expression has no occurrence in the future.";
        }

        var second = cron.GetNextValidTimeAfter(first.Value);
        return second is { } s && s - first.Value < MinimumInterval
            ? $"The campaign would recur every {(s - first.Value).TotalMinutes:0} minutes; at most once an hour is allowed."
            : null;
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/> in the program's time zone, or null when there is none.</summary>
    public static DateTimeOffset? NextAfter(string expression, string timeZone, DateTimeOffset after)
    {
        return new CronExpression(expression, TimeZoneInfo.FindSystemTimeZoneById(timeZone)).GetNextValidTimeAfter(after);
    }
}
