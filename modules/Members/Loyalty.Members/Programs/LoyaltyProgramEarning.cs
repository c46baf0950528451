namespace Loyalty.Members.Programs;

/// <summary>The program's own arithmetic: when points earned at a time expire.</summary>
internal static class LoyaltyProgramEarning
{
    public static DateTimeOffset? ExpiryFor(this LoyaltyProgram program, DateTimeOffset earnedAt)
    {
        switch (program.ExpiryPolicy)
        {
            case ExpiryPolicy.RollingMonths:
                return earnedAt.AddMonths(program.ExpiryMonths);
            case ExpiryPolicy.EndOfFollowingYear:
                var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
                var local = TimeZoneInfo.ConvertTime(earnedAt, zone);
                var endLocal = new DateTime(local.Year + 2, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
                return new DateTimeOffset(endLocal, zone.GetUtcOffset(endLocal)).ToUniversalTime();
            default:
                return null;
        }
    }
}

/// <summary>ISO 4217 minor units, read from the platform's culture data (2 when a currency is not found there).</summary>
internal static class Currencies
{
    private static readonly Dictionary<string, int> Digits = System.Globalization.CultureInfo
        .GetCultures(System.Globalization.CultureTypes.SpecificCultures)
        .Select(culture => (Region: TryRegion(culture), culture.NumberFormat.CurrencyDecimalDigits))
        .Where(c => c.Region is not null)
        .GroupBy(c => c.Region!.ISOCurrencySymbol, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First().CurrencyDecimalDigits, StringComparer.Ordinal);

    public static bool IsKnown(string code) => Digits.ContainsKey(code);

    public static long MinorUnitsPerUnit(string code) =>
        (long)Math.Pow(10, Digits.TryGetValue(code, out var digits) ? digits : 2);

    private static System.Globalization.RegionInfo? TryRegion(System.Globalization.CultureInfo culture)
    {
        try
        {
            return new System.Globalization.RegionInfo(culture.Name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
