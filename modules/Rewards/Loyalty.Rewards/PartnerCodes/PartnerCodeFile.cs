using System.Text;
using Sylvan.Data.Csv;

namespace Loyalty.Rewards.PartnerCodes;

/// <summary>A line of a partner's file that cannot go into the pool, and why (never the code itself).</summary>
internal sealed record CodeFileError(long Line, string Reason);

/// <summary>
/// Reads a partner's CSV of codes: a header line with a <c>code</c> column (other columns are ignored), then one code
/// per line. Codes are trimmed and kept as written (case and dashes are the partner's). The header is line 1.
/// </summary>
internal static class PartnerCodeFile
{
    public const int MaxCodeLength = 100;

    /// <summary>Errors listed in a refusal; the count says how many there were in all.</summary>
    public const int MaxListedErrors = 100;

    public static async Task<(List<(long Line, string Code)> Codes, List<CodeFileError> Errors)> ReadAsync(byte[] content, CancellationToken cancellationToken)
    {
        var codes = new List<(long, string)>();
        var errors = new List<CodeFileError>();
        using var text = new StreamReader(new MemoryStream(content), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        CsvDataReader csv;
        try
        {
            csv = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions { HasHeaders = true, Delimiter = ',' }, cancellationToken);
        }
        catch (CsvFormatException)
        {
            return (codes, [new CodeFileError(1, "The header line is not valid CSV.")]);
        }

        await using (csv)
        {
            var column = Enumerable.Range(0, csv.FieldCount).FirstOrDefault(i => string.Equals(csv.GetName(i).Trim(), "code", StringComparison.OrdinalIgnoreCase), -1);
            if (column < 0)
            {
                return (codes, [new CodeFileError(1, "The header needs a 'code' column.")]);
            }

            var seen = new Dictionary<string, long>(StringComparer.Ordinal);
            var line = 1L;
            while (true)
            {
                try
                {
                    if (!await csv.ReadAsync(cancellationToken))
                    {
                        break;
                    }
                }
                catch (CsvFormatException)
                {
                    errors.Add(new CodeFileError(line + 1, "The line is not valid CSV (check its quotes); reading stopped there."));
                    break;
                }

                line++;
                var code = column < csv.RowFieldCount ? csv.GetString(column).Trim() : "";
                if (code.Length == 0)
                {
                    errors.Add(new CodeFileError(line, "The code is empty."));
                }
                else if (code.Length > MaxCodeLength)
                {
                    errors.Add(new CodeFileError(line, $"The code is longer than {MaxCodeLength} characters."));
                }
                else if (seen.TryGetValue(code, out var first))
                {
                    errors.Add(new CodeFileError(line, $"The code repeats line {first}."));
                }
                else
                {
                    seen[code] = line;
                    codes.Add((line, code));
                }
            }
        }

        if (codes.Count == 0 && errors.Count == 0)
        {
            errors.Add(new CodeFileError(1, "The file has no codes."));
        }

        return (codes, errors);
    }
}
