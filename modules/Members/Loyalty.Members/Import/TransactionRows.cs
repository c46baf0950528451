using System.Globalization;
using System.Text.Json;
using Loyalty.Members.Transactions;

namespace Loyalty.Members.Import;

/// <summary>
/// Turns the rows of a transactions file into transaction requests. NDJSON: one transaction per line, the body of
/// <c>POST …/transactions</c>. CSV: one row per transaction line; consecutive rows with the same <c>externalId</c> are one
/// transaction, whose own columns are taken from its first row; a row without <c>sku</c> is a transaction without lines.
/// </summary>
internal static class TransactionRows
{
    private static readonly string[] TransactionColumns =
    [
        "externalId", "type", "originalExternalId", "memberId", "cardNumber", "memberExternalId", "occurredAt", "channel", "store", "currency", "total", "paymentMethod",
    ];

    // Attributes (of the transaction or a line) are a JSON object, so only NDJSON carries them.
    private static readonly string[] LineColumns = ["sku", "category", "quantity", "unitPrice", "brand"];

    public static string? CheckHeader(IReadOnlyList<string> names)
    {
        var unknown = names.FirstOrDefault(n => !TransactionColumns.Contains(n, StringComparer.OrdinalIgnoreCase) && !LineColumns.Contains(n, StringComparer.OrdinalIgnoreCase));
        if (unknown is not null)
        {
            return $"Unknown column '{unknown}'. Use {string.Join(", ", TransactionColumns.Concat(LineColumns))}.";
        }

        var repeated = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        return repeated is null ? null : $"Column '{repeated.Key}' appears twice.";
    }

    /// <summary>Whether <paramref name="next"/> continues the transaction that <paramref name="first"/> began (CSV only).</summary>
    public static bool SameTransaction(ImportRow first, ImportRow next) =>
        first.Columns is { } a && next.Columns is { } b
        && a.TryGetValue("externalId", out var id) && b.TryGetValue("externalId", out var nextId) && id == nextId;

    public static (TransactionRequest? Request, string? Field, string? Reason) Parse(IReadOnlyList<ImportRow> rows)
    {
        if (rows[0].Json is { } json)
        {
            try
            {
                var request = JsonSerializer.Deserialize<TransactionRequest>(json, JsonSerializerOptions.Web);
                return request is null ? (null, "line", "Give a JSON object.") : (request, null, null);
            }
            catch (JsonException e)
            {
                // The path names the field; the exception's message is not used, as it may quote the value.
                var field = e.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "line";
                return (null, field, "Not valid JSON, or a value of the wrong type for this field.");
            }
        }

        if (rows.Any(r => r.Columns is null))
        {
            return (null, "line", "A line of this transaction has a different number of fields than the header.");
        }

        var first = rows[0].Columns!;
        string? Get(IReadOnlyDictionary<string, string> columns, string name) => columns.TryGetValue(name, out var value) ? value : null;
        Guid? memberId = null;
        if (Get(first, "memberId") is { } id)
        {
            if (!Guid.TryParse(id, out var parsedId))
            {
                return (null, "memberId", "Give the member's id as a GUID.");
            }

            memberId = parsedId;
        }

        DateTimeOffset? occurredAt = null;
        if (Get(first, "occurredAt") is { } at)
        {
            if (!DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsedAt))
            {
                return (null, "occurredAt", "Give the time in ISO 8601, such as 2026-11-20T17:45:00Z.");
            }

            occurredAt = parsedAt;
        }

        long? total = null;
        if (Get(first, "total") is { } totalText)
        {
            if (!long.TryParse(totalText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsedTotal))
            {
                return (null, "total", "Give the total as a whole number of minor units (cents).");
            }

            total = parsedTotal;
        }

        var lines = new List<TransactionLineRequest>();
        for (var i = 0; i < rows.Count; i++)
        {
            var columns = rows[i].Columns!;
            if (Get(columns, "sku") is not { } sku)
            {
                if (LineColumns.Skip(1).Any(c => Get(columns, c) is not null) || rows.Count > 1)
                {
                    return (null, $"lines[{i}].sku", "Each line of a transaction names its sku.");
                }

                continue;
            }

            decimal? quantity = null;
            if (Get(columns, "quantity") is { } quantityText)
            {
                if (!decimal.TryParse(quantityText, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsedQuantity))
                {
                    return (null, $"lines[{i}].quantity", "Give the quantity as a number such as 2 or 0.5.");
                }

                quantity = parsedQuantity;
            }

            long? unitPrice = null;
            if (Get(columns, "unitPrice") is { } priceText)
            {
                if (!long.TryParse(priceText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsedPrice))
                {
                    return (null, $"lines[{i}].unitPrice", "Give the unit price as a whole number of minor units (cents).");
                }

                unitPrice = parsedPrice;
            }

            lines.Add(new TransactionLineRequest(sku, Get(columns, "category"), quantity, unitPrice, Get(columns, "brand")));
        }

        return (new TransactionRequest(
            Get(first, "externalId"), Get(first, "type"), Get(first, "originalExternalId"), memberId, Get(first, "cardNumber"), Get(first, "memberExternalId"),
            occurredAt, Get(first, "channel"), Get(first, "store"), Get(first, "currency"), total, lines.Count > 0 ? lines : null,
            Get(first, "paymentMethod")), null, null);
    }
}
