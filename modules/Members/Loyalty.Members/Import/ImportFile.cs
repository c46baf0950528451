using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Sylvan.Data.Csv;

namespace Loyalty.Members.Import;

/// <summary>
/// One row of an import file: its line number and either its CSV columns by header name (empty cells left out) or
/// the JSON text of its NDJSON line.
/// </summary>
internal sealed record ImportRow(long Line, IReadOnlyDictionary<string, string>? Columns, string? Json);

/// <summary>A problem with the file as a whole (a bad header, broken CSV quoting): the job fails with this reason.</summary>
internal sealed class ImportFileException(string message) : Exception(message);

/// <summary>Reads an import file as a stream of rows, holding only the current one in memory.</summary>
internal static class ImportFile
{
    public static ImportFormat? FormatOf(string? format, string fileName) =>
        (format?.ToLowerInvariant() ?? Path.GetExtension(fileName).TrimStart('.').ToLowerInvariant()) switch
        {
            "csv" => ImportFormat.Csv,
            "ndjson" or "jsonl" => ImportFormat.Ndjson,
            _ => null,
        };

    public static async Task<(long Size, string Sha256)> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        var hash = await SHA256.HashDataAsync(file, cancellationToken);
        return (file.Length, Convert.ToHexStringLower(hash));
    }

    /// <summary>
    /// The rows of the file. In CSV the header is line 1
    /// and each record counts as one line (a quoted field with a line break in it does not add one).
    /// </summary>
    /// <param name="checkHeader">Says what is wrong with the CSV header, or null when the columns are fine.</param>
    public static IAsyncEnumerable<ImportRow> ReadAsync(Stream stream, ImportFormat format, Func<IReadOnlyList<string>, string?> checkHeader, CancellationToken cancellationToken) =>
        format == ImportFormat.Csv ? ReadCsvAsync(stream, checkHeader, cancellationToken) : ReadNdjsonAsync(stream, cancellationToken);

    private static async IAsyncEnumerable<ImportRow> ReadCsvAsync(Stream stream, Func<IReadOnlyList<string>, string?> checkHeader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var text = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        CsvDataReader csv;
        try
        {
            csv = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions { HasHeaders = true, Delimiter = ',' }, cancellationToken);
        }
        catch (CsvFormatException)
        {
            throw new ImportFileException("The header line is not valid CSV.");
        }

        await using (csv)
        {
            var names = Enumerable.Range(0, csv.FieldCount).Select(csv.GetName).ToArray();
            if (checkHeader(names) is { } headerProblem)
            {
                throw new ImportFileException(headerProblem);
            }

            var line = 1L;
            while (true)
            {
                try
                {
                    if (!await csv.ReadAsync(cancellationToken))
                    {
                        yield break;
                    }
                }
                catch (CsvFormatException)
                {
                    throw new ImportFileException($"Line {line + 1} is not valid CSV (check its quotes); the import stopped there.");
                }

                line++;
                if (csv.RowFieldCount != names.Length)
                {
                    yield return new ImportRow(line, null, null);
                    continue;
                }

                var columns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                for (var i = 0; i < names.Length; i++)
                {
                    var value = csv.GetString(i);
                    if (value.Length > 0)
                    {
                        columns[names[i]] = value;
                    }
                }

                yield return new ImportRow(line, columns, null);
            }
        }
    }

    private static async IAsyncEnumerable<ImportRow> ReadNdjsonAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var text = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var line = 0L;
        while (await text.ReadLineAsync(cancellationToken) is { } json)
        {
            line++;
            if (!string.IsNullOrWhiteSpace(json))
            {
                yield return new ImportRow(line, null, json);
            }
        }
    }
}

/// <summary>Counts the bytes read through it, for progress.</summary>
internal sealed class CountingStream(Stream inner) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        BytesRead += read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        BytesRead += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
