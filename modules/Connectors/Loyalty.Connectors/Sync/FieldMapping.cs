using System.Globalization;
using Loyalty.Members.Contracts;

namespace Loyalty.Connectors.Sync;

/// <summary>
/// One field of a connection's sync: <see cref="Direction"/> <c>inbound</c> copies <see cref="CrmField"/> to
/// <see cref="LoyaltyField"/>, <c>outbound</c> the other way; <see cref="Transforms"/> apply in order on the way.
/// </summary>
/// <param name="Conflict">For inbound fields: who wins when both sides changed since the last sync (<see cref="ConflictPolicies"/>); default <c>crm-wins</c>.</param>
internal sealed record FieldMapping(string? Direction, string? LoyaltyField, string? CrmField, IReadOnlyList<FieldTransform>? Transforms = null, string? Conflict = null)
{
    public bool IsInbound => Direction == SyncDirections.Inbound;

    public string Policy => Conflict ?? ConflictPolicies.CrmWins;

    /// <summary>The value on the other side, after the transforms; null stays null except for a constant.</summary>
    public string? Convert(string? value)
    {
        foreach (var transform in Transforms ?? [])
        {
            value = transform.Apply(value, IsInbound);
        }

        return value;
    }
}

/// <param name="Kind"><c>trim</c>, <c>lower</c>, <c>upper</c>, <c>date</c> (the CRM's <see cref="Format"/> ↔ yyyy-MM-dd), <c>lookup</c> (<see cref="Table"/>: from → to; a value not in it passes unchanged) or <c>constant</c> (<see cref="Value"/>).</param>
internal sealed record FieldTransform(string? Kind, string? Format = null, IReadOnlyDictionary<string, string>? Table = null, string? Value = null)
{
    public static readonly IReadOnlyList<string> Kinds = ["trim", "lower", "upper", "date", "lookup", "constant"];

    public string? Apply(string? value, bool inbound) => Kind switch
    {
        "constant" => Value,
        _ when value is null => null,
        "trim" => value.Trim(),
        "lower" => value.ToLowerInvariant(),
        "upper" => value.ToUpperInvariant(),
        "date" => inbound ? Reformat(value, Format!, IsoDate) : Reformat(DateOf(value), IsoDate, Format!),
        "lookup" => Table!.TryGetValue(value, out var mapped) ? mapped : value,
        _ => value,
    };

    private const string IsoDate = "yyyy-MM-dd";

    // Outbound, a moment (enrolledAt, yyyy-MM-ddTHH:mm:ss.fffZ) goes to a CRM date field as its UTC date.
    private static string DateOf(string value) => value.Length > IsoDate.Length && value[IsoDate.Length] == 'T' ? value[..IsoDate.Length] : value;

    // A value that does not parse passes unchanged, so Members' validation names the field instead of the sync guessing.
    private static string Reformat(string value, string from, string to) =>
        DateTime.TryParseExact(value, from, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.ToString(to, CultureInfo.InvariantCulture)
            : value;
}

internal static class SyncDirections
{
    public const string Inbound = "inbound";
    public const string Outbound = "outbound";
}

internal static class ConflictPolicies
{
    public const string CrmWins = "crm-wins";
    public const string LoyaltyWins = "loyalty-wins";
    public const string MostRecentWins = "most-recent-wins";
    public const string CrmWinsUnlessBlank = "crm-wins-unless-blank";

    public static readonly IReadOnlyList<string> All = [CrmWins, LoyaltyWins, MostRecentWins, CrmWinsUnlessBlank];
}

/// <summary>The loyalty fields a mapping may name, per direction; outbound adds the consent flags.</summary>
internal static class LoyaltyFields
{
    /// <summary><c>consent.&lt;purpose&gt;</c>: "true" when the member may be contacted for the purpose by email now.</summary>
    public const string ConsentPrefix = "consent.";

    /// <summary>"true" while the member's processing is restricted (Art. 18): the one value written to the CRM then.</summary>
    public const string Restricted = "restricted";

    public static bool IsValid(string field, bool inbound) =>
        inbound
            ? SyncedMemberFields.Writable.Contains(field)
            : SyncedMemberFields.All.Contains(field) || field == Restricted || (field.StartsWith(ConsentPrefix, StringComparison.Ordinal) && field.Length > ConsentPrefix.Length);
}
