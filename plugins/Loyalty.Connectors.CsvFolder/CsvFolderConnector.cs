using System.Globalization;
using System.Text;
using Loyalty.Connectors.Sdk;

namespace Loyalty.Connectors.CsvFolder;

/// <summary>
/// Each <c>&lt;object&gt;.csv</c> in the folder is an object. The connector keeps three columns: <c>Id</c> (the
/// record id it assigns), <c>ModifiedAt</c> (UTC, set on every write) and <c>IsDeleted</c>: a delete keeps the row as
/// a tombstone with its other values cleared, so incremental reads see the deletion and no personal data is left.
/// </summary>
internal sealed class CsvFolderConnector(string folder, IReadOnlyList<string> externalIdColumns, TimeProvider time) : IConnector
{
    public Task<ConnectionCheck> CheckConnectionAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder))
        {
            return Task.FromResult(ConnectionCheck.Failed("the folder does not exist"));
        }

        try
        {
            var probe = Path.Combine(folder, $".probe-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return Task.FromResult(ConnectionCheck.Ok());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(ConnectionCheck.Failed("the folder is not writable"));
        }
    }

    public async Task<IReadOnlyList<ObjectDescriptor>> DiscoverAsync(CancellationToken cancellationToken)
    {
        var objects = new List<ObjectDescriptor>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.csv").Order(StringComparer.Ordinal))
        {
            var columns = await CsvTable.ReadHeaderAsync(file, cancellationToken);
            objects.Add(new ObjectDescriptor
            {
                Name = Path.GetFileNameWithoutExtension(file),
                Fields =
                [
                    new FieldDescriptor { Name = CsvTable.Id, IsReadOnly = true, IsExternalId = externalIdColumns.Contains(CsvTable.Id, StringComparer.Ordinal) },
                    new FieldDescriptor { Name = CsvTable.ModifiedAt, Type = FieldType.DateTime, IsReadOnly = true },
                    new FieldDescriptor { Name = CsvTable.IsDeleted, Type = FieldType.Boolean, IsReadOnly = true },
                    .. columns.Where(c => !CsvTable.Reserved.Contains(c)).Select(c => new FieldDescriptor
                    {
                        Name = c,
                        IsExternalId = externalIdColumns.Contains(c, StringComparer.Ordinal),
                    }),
                ],
            });
        }

        return objects;
    }

    public async Task<ChangePage> ReadChangesAsync(ReadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var table = await CsvTable.LoadAsync(PathOf(request.ObjectName), cancellationToken);
        var position = Position.Parse(request.Cursor);
        var from = position is null ? null : request.LookBack > TimeSpan.Zero ? new Position(position.At - request.LookBack, "") : position;
        var changes = table.Rows
            .Select((row, index) => (Row: row, Key: new Position(table.ModifiedAtOf(row, index + 2), table.Get(row, CsvTable.Id) ?? "")))
            .Where(r => r.Key.Id.Length > 0 && (from is null || r.Key.CompareTo(from) > 0))
            .OrderBy(r => r.Key)
            .ToList();
        var page = changes.Take(request.PageSize).ToList();
        var last = page.Count > 0 ? page[^1].Key : null;
        var hasMore = changes.Count > page.Count;
        // Within a look-back the next page goes on after this one; the last page never leaves the cursor behind where it started.
        var next = last is null || (!hasMore && position is not null && last.CompareTo(position) < 0) ? position : last;
        return new ChangePage([.. page.Select(r => ToChange(table, r.Row, r.Key))], next?.ToCursor(), hasMore);
    }

    public async Task<IReadOnlyList<RecordResult>> WriteAsync(WriteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!externalIdColumns.Contains(request.ExternalIdField, StringComparer.Ordinal))
        {
            throw new ConnectorException(ConnectorErrorKind.Configuration, $"{request.ExternalIdField} is not one of the configured external id columns");
        }

        var path = PathOf(request.ObjectName);
        var gate = CsvTable.LockFor(path);
        await gate.WaitAsync(cancellationToken);
        try
        {
            var table = await CsvTable.LoadAsync(path, cancellationToken);
            if (table.Ordinal(request.ExternalIdField) < 0)
            {
                throw new ConnectorException(ConnectorErrorKind.Configuration, $"{request.ObjectName} has no column {request.ExternalIdField}");
            }

            var now = CsvTable.Format(time.GetUtcNow());
            var results = request.Records.Select(record => Upsert(table, request.ExternalIdField, record, now)).ToList();
            await table.SaveAsync(cancellationToken);
            return results;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<IReadOnlyList<RecordResult>> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = PathOf(request.ObjectName);
        var gate = CsvTable.LockFor(path);
        await gate.WaitAsync(cancellationToken);
        try
        {
            var table = await CsvTable.LoadAsync(path, cancellationToken);
            var now = CsvTable.Format(time.GetUtcNow());
            var results = new List<RecordResult>();
            foreach (var id in request.Ids)
            {
                var row = table.Rows.FirstOrDefault(r => table.Get(r, CsvTable.Id) == id && table.Get(r, CsvTable.IsDeleted) != "true");
                if (row is null)
                {
                    results.Add(new RecordResult(id, RecordOutcome.NotFound, id));
                    continue;
                }

                Array.Clear(row);
                table.Set(row, CsvTable.Id, id);
                table.Set(row, CsvTable.ModifiedAt, now);
                table.Set(row, CsvTable.IsDeleted, "true");
                results.Add(new RecordResult(id, RecordOutcome.Deleted, id));
            }

            await table.SaveAsync(cancellationToken);
            return results;
        }
        finally
        {
            gate.Release();
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static RecordResult Upsert(CsvTable table, string externalIdField, RecordUpsert record, string now)
    {
        var unknown = record.Fields.Keys.Where(f => table.Ordinal(f) < 0).ToList();
        if (unknown.Count > 0)
        {
            return RecordResult.Failed(record.ExternalId, new RecordError("UNKNOWN_FIELD", "the object has no such column", Fields: unknown));
        }

        var readOnly = record.Fields.Keys.Where(f => CsvTable.Reserved.Contains(f)).ToList();
        if (readOnly.Count > 0)
        {
            return RecordResult.Failed(record.ExternalId, new RecordError("READ_ONLY_FIELD", "the connector sets this column", Fields: readOnly));
        }

        var matches = table.Rows.Where(r => table.Get(r, externalIdField) == record.ExternalId && table.Get(r, CsvTable.IsDeleted) != "true").ToList();
        if (matches.Count > 1)
        {
            return RecordResult.Failed(record.ExternalId, new RecordError("DUPLICATE_EXTERNAL_ID", "more than one row has this external id", Fields: [externalIdField]));
        }

        var created = matches.Count == 0;
        var row = created ? table.NewRow() : matches[0];
        if (created)
        {
            table.Set(row, CsvTable.Id, Guid.NewGuid().ToString("N"));
            table.Set(row, externalIdField, record.ExternalId);
        }

        foreach (var (field, value) in record.Fields)
        {
            table.Set(row, field, string.IsNullOrEmpty(value) ? null : value);
        }

        table.Set(row, CsvTable.ModifiedAt, now);
        return new RecordResult(record.ExternalId, created ? RecordOutcome.Created : RecordOutcome.Updated, table.Get(row, CsvTable.Id));
    }

    private static RecordChange ToChange(CsvTable table, string?[] row, Position key)
    {
        var fields = table.Columns
            .Where(c => !CsvTable.Reserved.Contains(c))
            .ToDictionary(c => c, c => table.Get(row, c), StringComparer.Ordinal);
        return new RecordChange(
            key.Id,
            key.At == DateTimeOffset.MinValue ? null : key.At,
            table.Get(row, CsvTable.IsDeleted) == "true",
            fields);
    }

    private string PathOf(string objectName)
    {
        if (objectName.Length == 0 || objectName.IndexOfAny([.. Path.GetInvalidFileNameChars(), '.']) >= 0)
        {
            throw new ConnectorException(ConnectorErrorKind.Configuration, "the object name is not a file name");
        }

        return Path.Combine(folder, objectName + ".csv");
    }

    /// <summary>Where a read stopped: the last record's time and, for records sharing it, its id.</summary>
    private sealed record Position(DateTimeOffset At, string Id) : IComparable<Position>
    {
        public int CompareTo(Position? other)
        {
            ArgumentNullException.ThrowIfNull(other);
            var byTime = At.CompareTo(other.At);
            return byTime != 0 ? byTime : string.CompareOrdinal(Id, other.Id);
        }

        public string ToCursor() =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"1|{At.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{Id}"));

        public static Position? Parse(string? cursor)
        {
            if (cursor is null)
            {
                return null;
            }

            try
            {
                var parts = Encoding.UTF8.GetString(Convert.FromBase64String(cursor)).Split('|', 3);
                if (parts is ["1", var ticks, var id])
                {
                    return new Position(new DateTimeOffset(long.Parse(ticks, CultureInfo.InvariantCulture), TimeSpan.Zero), id);
                }
            }
            catch (FormatException)
            {
            }

            throw new ConnectorException(ConnectorErrorKind.Configuration, "the cursor was not made by this connector");
        }
    }
}
