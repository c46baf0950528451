using System.Globalization;
using System.Text.Json;
using Loyalty.Members.Contracts;

namespace Loyalty.Host.Admin.EarningRules;

// What the Campaigns API answers, as far as the screens show it; a definition stays JSON, as the API stores it.
/// <summary>What <c>POST …/earning-rules/dry-run</c> answers, as far as the rule page shows it.</summary>
internal sealed record DryRunView(int Days, long Points, int Members, int Purchases, int PurchasesScanned, int MaxPurchases, bool Complete, int Failed);

internal sealed record RuleView(Guid Id, string Program, string Status, int Version, string Name, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, JsonElement Definition, IReadOnlyList<RuleVersionView>? Versions)
{
    public int Priority => Definition.TryGetProperty("priority", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : 0;
}

internal sealed record RuleVersionView(int Version, DateTimeOffset CreatedAt, string CreatedBy, JsonElement Definition);

internal sealed record RuleOutcomeView(Guid RuleId, int Version, string Name, string Outcome, string? Reason, long Points, long QualifyingPoints);

internal sealed record SimulationView(long Points, IReadOnlyList<long> LinePoints, long BasePoints, decimal TierMultiplier, IReadOnlyList<RuleOutcomeView> Rules, long QualifyingBonus);

internal static class RuleScreens
{
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string Escape(string value) => Uri.EscapeDataString(value);

    /// <summary>Indented JSON without the parts the API answers as null, so a rule reads as it was written.</summary>
    public static string Pretty(JsonElement element) => Prune(System.Text.Json.Nodes.JsonNode.Parse(element.GetRawText()))?.ToJsonString(Indented) ?? "null";

    private static System.Text.Json.Nodes.JsonNode? Prune(System.Text.Json.Nodes.JsonNode? node)
    {
        switch (node)
        {
            case System.Text.Json.Nodes.JsonObject obj:
                foreach (var name in obj.Where(p => p.Value is null).Select(p => p.Key).ToList())
                {
                    obj.Remove(name);
                }

                foreach (var (_, value) in obj)
                {
                    Prune(value);
                }

                break;
            case System.Text.Json.Nodes.JsonArray array:
                foreach (var item in array)
                {
                    Prune(item);
                }

                break;
        }

        return node;
    }

    /// <summary>A part of a definition as indented JSON for its text area, or empty when the rule has none.</summary>
    public static string? Part(JsonElement definition, string name) =>
        definition.ValueKind == JsonValueKind.Object && definition.TryGetProperty(name, out var part) && part.ValueKind is not JsonValueKind.Null ? Pretty(part) : null;

    /// <summary>A local date-time of the definition's window, as a datetime-local input shows it.</summary>
    public static string? WindowPart(JsonElement definition, string name) =>
        definition.ValueKind == JsonValueKind.Object && definition.TryGetProperty("window", out var window) && window.ValueKind == JsonValueKind.Object
            && window.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && DateTime.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? local.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture)
            : null;

    public static string? Text(JsonElement definition, string parent, string name) =>
        definition.ValueKind == JsonValueKind.Object && definition.TryGetProperty(parent, out var part) && part.ValueKind == JsonValueKind.Object
            && part.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>
    /// Every reason the API gave for <paramref name="prefix"/> or a field under it (<c>effects.multiplier</c>,
    /// <c>conditions.all[1].category</c>), with the field's name: a JSON text area holds many fields. An empty prefix is every field.
    /// </summary>
    public static IReadOnlyList<(string Field, string Reason)> ErrorsUnder(this ApiAnswer? answer, string prefix)
    {
        if (answer is not { Succeeded: false, Body: { ValueKind: JsonValueKind.Object } body } || !body.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        return errors.EnumerateObject()
            .Where(e => prefix.Length == 0 || e.Name.Equals(prefix, StringComparison.OrdinalIgnoreCase)
                || (e.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && e.Name.Length > prefix.Length && e.Name[prefix.Length] is '.' or '['))
            .SelectMany(e => e.Value.EnumerateArray().Select(r => (e.Name, r.GetString() ?? string.Empty)))
            .ToList();
    }

    /// <summary>ISO 4217 minor units of the program's currency (2 where the platform does not know it), as Members counts them.</summary>
    public static long MinorUnitsPerUnit(string currency)
    {
        foreach (var culture in CultureInfo.GetCultures(CultureTypes.SpecificCultures))
        {
            try
            {
                if (new RegionInfo(culture.Name).ISOCurrencySymbol == currency)
                {
                    return (long)Math.Pow(10, culture.NumberFormat.CurrencyDecimalDigits);
                }
            }
            catch (ArgumentException)
            {
                // A culture without a region names no currency.
            }
        }

        return 100;
    }

    public static DateTimeOffset InZone(DateTimeOffset instant, LoyaltyProgramDto program) =>
        TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone));
}
