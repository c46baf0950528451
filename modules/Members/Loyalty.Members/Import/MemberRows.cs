using System.Globalization;
using System.Text.Json;
using Loyalty.Members.Enrollment;

namespace Loyalty.Members.Import;

/// <summary>Turns a row of a members file into an enrolment request, or says which field is unusable and why.</summary>
internal static class MemberRows
{
    public const string AttributePrefix = "attr.";

    private static readonly string[] Columns =
    [
        "externalId", "email", "phone", "firstName", "lastName", "birthDate", "locale", "cardNumber", "channel",
        "addressLine1", "addressLine2", "postalCode", "city", "country",
    ];

    private static readonly string[] AddressColumns = ["addressLine1", "addressLine2", "postalCode", "city", "country"];

    public static string? CheckHeader(IReadOnlyList<string> names)
    {
        var unknown = names.FirstOrDefault(n => !Columns.Contains(n, StringComparer.OrdinalIgnoreCase)
            && !(n.StartsWith(AttributePrefix, StringComparison.OrdinalIgnoreCase) && n.Length > AttributePrefix.Length));
        if (unknown is not null)
        {
            return $"Unknown column '{unknown}'. Use {string.Join(", ", Columns)} and {AttributePrefix}<key> for attributes.";
        }

        var repeated = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        return repeated is null ? null : $"Column '{repeated.Key}' appears twice.";
    }

    public static (EnrollRequest? Request, string? Field, string? Reason) Parse(ImportRow row)
    {
        if (row.Json is not null)
        {
            try
            {
                var request = JsonSerializer.Deserialize<EnrollRequest>(row.Json, JsonSerializerOptions.Web);
                return request is null ? (null, "line", "Give a JSON object.") : (request with { Channel = request.Channel ?? "import" }, null, null);
            }
            catch (JsonException e)
            {
                // The path names the field; the exception's message is not used, as it may quote the value.
                var field = e.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "line";
                return (null, field, "Not valid JSON, or a value of the wrong type for this field.");
            }
        }

        if (row.Columns is not { } columns)
        {
            return (null, "line", "This line has a different number of fields than the header.");
        }

        string? Get(string name) => columns.TryGetValue(name, out var value) ? value : null;
        DateOnly? birthDate = null;
        if (Get("birthDate") is { } birth)
        {
            if (!DateOnly.TryParseExact(birth, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                return (null, "birthDate", "Give the date as yyyy-MM-dd.");
            }

            birthDate = parsed;
        }

        var address = AddressColumns.Any(c => Get(c) is not null)
            ? new AddressDto(Get("addressLine1"), Get("addressLine2"), Get("postalCode"), Get("city"), Get("country"))
            : null;
        var attributes = columns
            .Where(c => c.Key.StartsWith(AttributePrefix, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(c => c.Key[AttributePrefix.Length..], c => c.Value, StringComparer.Ordinal);
        return (new EnrollRequest(
            Get("email"), Get("phone"), Get("firstName"), Get("lastName"), birthDate, Get("locale"), address,
            attributes.Count > 0 ? attributes : null, Get("externalId"), Get("cardNumber"), Get("channel") ?? "import"), null, null);
    }
}
