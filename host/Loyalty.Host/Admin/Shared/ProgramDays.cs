namespace Loyalty.Host.Admin.Shared;

/// <summary>Days of a program's time zone as instants: the API and the modules count periods in the program's time zone.</summary>
internal static class ProgramDays
{
    /// <summary>The instant the program's local <paramref name="day"/> starts (its first valid local time on a day that skips midnight).</summary>
    public static DateTimeOffset StartOf(DateOnly day, string timeZone)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddHours(1);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    public static DateOnly Today(TimeProvider clock, string timeZone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(timeZone)).DateTime);
}
