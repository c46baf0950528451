using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;
using NpgsqlTypes;

namespace Loyalty.Shared.Persistence;

/// <summary>
/// <c>SaveChanges</c> for a large batch of mostly added entities: changes are looked for only in the entities that
/// were loaded, not in every added one. On PostgreSQL, the added entities of the insert-only types go in by binary COPY,
/// one stream per table, and everything else (updates with their concurrency checks) by <c>SaveChanges</c> before them.
/// Other providers save as usual. Call it inside a transaction, so that both parts commit together or not at all; the
/// copied entities are detached afterwards.
/// </summary>
public static class CopyingSave
{
    /// <summary>A table's COPY command and its columns in the command's order, worked out once per entity type.</summary>
    private sealed record CopyTable(string Command, (IProperty Property, ValueConverter? Converter)[] Columns);

    private static readonly ConcurrentDictionary<IEntityType, CopyTable> Tables = new();

    /// <param name="insertOnlyTypes">Entity types (owned ones too) whose added rows may be copied, principals before their dependents.</param>
    public static async Task SaveChangesCopyingAsync(this DbContext db, Type[] insertOnlyTypes, CancellationToken cancellationToken)
    {
        // An added entity is saved with the values it has, so only the entities loaded before need their changes
        // found: in a large batch, scanning every added one too costs more than saving them.
        var detectChanges = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            var entries = db.ChangeTracker.Entries().ToList();
            foreach (var entry in entries.Where(e => e.State is EntityState.Unchanged or EntityState.Modified))
            {
                entry.DetectChanges();
            }

            if (!db.Database.IsNpgsql())
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }

            var added = entries.Where(e => e.State == EntityState.Added && insertOnlyTypes.Contains(e.Metadata.ClrType)).ToList();
            var tables = added
                .GroupBy(e => e.Metadata)
                .OrderBy(g => Array.IndexOf(insertOnlyTypes, g.Key.ClrType))
                .Select(g =>
                {
                    var table = Tables.GetOrAdd(g.Key, TableOf);
                    return (Table: table, Rows: g.Select(e => RowOf(table, e)).ToList());
                })
                .ToList();
            foreach (var entry in added)
            {
                entry.State = EntityState.Detached;
            }

            await db.SaveChangesAsync(cancellationToken);
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            foreach (var (table, rows) in tables)
            {
                await CopyAsync(connection, table, rows, cancellationToken);
            }
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detectChanges;
        }
    }

    private static CopyTable TableOf(IEntityType type)
    {
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var properties = type.GetProperties().ToArray();
        var columns = string.Join(", ", properties.Select(p => $"\"{p.GetColumnName(table)}\""));
        var name = table.Schema is null ? $"\"{table.Name}\"" : $"\"{table.Schema}\".\"{table.Name}\"";
        return new CopyTable($"COPY {name} ({columns}) FROM STDIN (FORMAT BINARY)", [.. properties.Select(p => (p, p.GetTypeMapping().Converter))]);
    }

    /// <summary>The entry's column values as the database stores them (after value converters), in the table's column order.</summary>
    private static object?[] RowOf(CopyTable table, EntityEntry entry)
    {
        var values = entry.CurrentValues;
        var row = new object?[table.Columns.Length];
        for (var i = 0; i < row.Length; i++)
        {
            var (property, converter) = table.Columns[i];
            var value = values[property];
            row[i] = converter is null ? value : converter.ConvertToProvider(value);
        }

        return row;
    }

    private static async Task CopyAsync(NpgsqlConnection connection, CopyTable table, List<object?[]> rows, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(table.Command, cancellationToken);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(cancellationToken);
            foreach (var value in row)
            {
                await (value switch
                {
                    null => importer.WriteNullAsync(cancellationToken),
                    // The provider stores every DateTimeOffset in UTC; Npgsql writes only offset 0.
                    DateTimeOffset at => importer.WriteAsync(at.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken),
                    _ => importer.WriteAsync(value, cancellationToken),
                });
            }
        }

        await importer.CompleteAsync(cancellationToken);
    }
}
