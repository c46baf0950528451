using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Loyalty.Connectors.Salesforce;

/// <summary>The CSV of Bulk API 2.0: comma-delimited, LF line endings, a header row of field names, RFC 4180 quoting.</summary>
internal static class SalesforceCsv
{
    /// <summary>
    /// The records as job data: the external id column first, then every field any record sets. An empty cell leaves
    /// a field unchanged (what a field left out of a record means); <c>#N/A</c> clears it, as a null or empty value
    /// does through the REST API.
    /// </summary>
    public static byte[] Write(string externalIdField, IReadOnlyList<JsonObject> records)
    {
        var columns = new List<string> { externalIdField };
        var known = new HashSet<string>(columns, StringComparer.OrdinalIgnoreCase);
        foreach (var name in records.SelectMany(r => r.Select(p => p.Key)))
        {
            if (known.Add(name))
            {
                columns.Add(name);
            }
        }

        var csv = new StringBuilder();
        csv.AppendJoin(',', columns.Select(Quoted)).Append('\n');
        foreach (var record in records)
        {
            for (var c = 0; c < columns.Count; c++)
            {
                if (c > 0)
                {
                    csv.Append(',');
                }

                if (record.TryGetPropertyValue(columns[c], out var value))
                {
                    csv.Append(Quoted(Cell(value)));
                }
            }

            csv.Append('\n');
        }

        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    /// <summary>The rows of a results file, each by column name (case-insensitive); an empty body has none.</summary>
    public static List<Dictionary<string, string>> Read(string text)
    {
        var rows = Parse(text);
        if (rows.Count == 0)
        {
            return [];
        }

        var header = rows[0];
        return [.. rows.Skip(1).Select(cells =>
        {
            var row = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (var c = 0; c < header.Count; c++)
            {
                row[header[c]] = c < cells.Count ? cells[c] : "";
            }

            return row;
        })];
    }

    private static string Cell(JsonNode? value) => value switch
    {
        null => "#N/A",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>() is { Length: > 0 } text ? text : "#N/A",
        _ => value.ToJsonString(),
    };

    private static string Quoted(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    private static List<List<string>> Parse(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(ch);
                }

                continue;
            }

            switch (ch)
            {
                case '"':
                    quoted = true;
                    break;
                case ',':
                    row.Add(cell.ToString());
                    cell.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    row.Add(cell.ToString());
                    cell.Clear();
                    rows.Add(row);
                    row = [];
                    break;
                default:
                    cell.Append(ch);
                    break;
            }
        }

        if (cell.Length > 0 || row.Count > 0)
        {
            row.Add(cell.ToString());
            rows.Add(row);
        }

        return rows;
    }
}
