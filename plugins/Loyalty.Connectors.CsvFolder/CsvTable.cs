using System.Collections.Concurrent;
using System.Data;
using System.Globalization;
using Loyalty.Connectors.Sdk;
using Sylvan.Data.Csv;

namespace Loyalty.Connectors.CsvFolder;

/// <summary>One object's file in memory: a header and rows of text, with the three columns the connector keeps.</summary>
internal sealed class CsvTable
{
    public const string Id = "Id";
    public const string ModifiedAt = "ModifiedAt";
    public const string IsDeleted = "IsDeleted";
    public static readonly string[] Reserved = [Id, ModifiedAt, IsDeleted];

    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    // Writers of one file take turns; a rewrite replaces the file in one move, so readers see the old or the new one.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Locks = new(StringComparer.Ordinal);

    private CsvTable(string path, List<string> columns, List<string?[]> rows)
    {
        Path = path;
        Columns = columns;
        Rows = rows;
    }

    public string Path { get; }

    public List<string> Columns { get; }

    public List<string?[]> Rows { get; }

    public static SemaphoreSlim LockFor(string path) => Locks.GetOrAdd(System.IO.Path.GetFullPath(path), _ => new SemaphoreSlim(1, 1));

    public static async Task<CsvTable> LoadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new ConnectorException(ConnectorErrorKind.Configuration, $"the object's file {System.IO.Path.GetFileName(path)} does not exist");
        }

        using var text = new StreamReader(path);
        await using var csv = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions { HasHeaders = true, Delimiter = ',' }, cancellationToken);
        var columns = Enumerable.Range(0, csv.FieldCount).Select(csv.GetName).ToList();
        var rows = new List<string?[]>();
        while (await csv.ReadAsync(cancellationToken))
        {
            var row = new string?[columns.Count];
            for (var i = 0; i < columns.Count; i++)
            {
                var value = csv.GetString(i);
                row[i] = value.Length == 0 ? null : value;
            }

            rows.Add(row);
        }

        var table = new CsvTable(path, columns, rows);
        foreach (var column in Reserved.Where(c => !columns.Contains(c)))
        {
            table.AddColumn(column);
        }

        return table;
    }

    public static async Task<IReadOnlyList<string>> ReadHeaderAsync(string path, CancellationToken cancellationToken)
    {
        using var text = new StreamReader(path);
        await using var csv = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions { HasHeaders = true, Delimiter = ',' }, cancellationToken);
        return [.. Enumerable.Range(0, csv.FieldCount).Select(csv.GetName)];
    }

    public int Ordinal(string column) => Columns.IndexOf(column);

    public string? Get(string?[] row, string column) => row[Ordinal(column)];

    public void Set(string?[] row, string column, string? value) => row[Ordinal(column)] = value;

    public DateTimeOffset ModifiedAtOf(string?[] row, int line)
    {
        var value = Get(row, ModifiedAt);
        if (value is null)
        {
            return DateTimeOffset.MinValue;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.ToUniversalTime()
            : throw new ConnectorException(ConnectorErrorKind.Permanent, $"{System.IO.Path.GetFileName(Path)} line {line}: {ModifiedAt} is not an ISO 8601 time");
    }

    public static string Format(DateTimeOffset at) => at.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public string?[] NewRow()
    {
        var row = new string?[Columns.Count];
        Rows.Add(row);
        return row;
    }

    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        using var data = new DataTable();
        foreach (var column in Columns)
        {
            data.Columns.Add(column, typeof(string));
        }

        foreach (var row in Rows)
        {
            data.Rows.Add(row.Cast<object?>().Select(v => v ?? DBNull.Value).ToArray());
        }

        var temporary = $"{Path}.{Guid.NewGuid():N}.tmp";
        await using (var text = new StreamWriter(temporary))
        await using (var csv = CsvDataWriter.Create(text))
        {
            await csv.WriteAsync(data.CreateDataReader(), cancellationToken);
        }

        File.Move(temporary, Path, overwrite: true);
    }

    private void AddColumn(string column)
    {
        Columns.Add(column);
        for (var i = 0; i < Rows.Count; i++)
        {
            var row = Rows[i];
            Array.Resize(ref row, Columns.Count);
            Rows[i] = row;
        }
    }
}
