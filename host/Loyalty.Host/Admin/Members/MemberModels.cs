namespace Loyalty.Host.Admin.Members;

// What the Members module's API answers, as far as the screens show it (JSON names as the API writes them).
internal sealed record ProgramItem(string Code, string Name, string PointsCurrency, string QualifyingCurrency);

internal sealed record IdentifierItem(string Kind, string Value);

internal sealed record AddressItem(string? Line1, string? Line2, string? PostalCode, string? City, string? Country);

internal sealed record MemberItem(
    Guid Id,
    string Program,
    string Status,
    string? Email,
    string? Phone,
    string? FirstName,
    string? LastName,
    DateOnly? BirthDate,
    string? Locale,
    AddressItem? Address,
    string EnrollmentChannel,
    DateTimeOffset EnrolledAt,
    IReadOnlyList<IdentifierItem> Identifiers,
    string? Tier)
{
    public string DisplayName => string.Join(' ', new[] { FirstName, LastName }.Where(n => !string.IsNullOrWhiteSpace(n)));
}

internal sealed record MemberPageItem(IReadOnlyList<MemberItem> Items, Guid? Next);

internal sealed record BalanceItem(string Currency, long Available, long Pending);

internal sealed record LedgerEntryItem(Guid Id, string Currency, string Type, long Points, string ReferenceType, string ReferenceId, string? Reason, string Actor, DateTimeOffset CreatedAt);

internal sealed record LedgerPageItem(IReadOnlyList<LedgerEntryItem> Items, Guid? Next);

internal sealed record ProgramZone(string TimeZone);

internal sealed record TierProgressItem(string? Tier, string? TierName, DateTimeOffset? Since, long QualifyingValue, string? NextTier, long? ToNextTier);

internal static class ApiAnswerReading
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    /// <summary>The body of a successful answer as <typeparamref name="T"/>; null when the API refused or found nothing.</summary>
    public static T? Read<T>(this ApiAnswer answer)
        where T : class => answer.Succeeded && answer.Body is { } body ? System.Text.Json.JsonSerializer.Deserialize<T>(body, Json) : null;
}

internal static class MemberScreens
{
    /// <summary>Names a table for screen readers; the heading above says the same to the eye.</summary>
    public const string VisuallyHidden = "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)";

    public static string Money(long minor, string currency) =>
        $"{(minor / (decimal)EarningRules.RuleScreens.MinorUnitsPerUnit(currency)).ToString("#,0.00", System.Globalization.CultureInfo.CurrentCulture)} {currency}";
}
