using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;
using NpgsqlTypes;

namespace Loyalty.Shared.Persistence;

/// <summary>
/// <c>SaveChanges</c> for a large batch of mostly added entities: changes are looked for only in the entities that
/// were loaded, not in every added one. The added entities of the insert-only types go in by the database's fastest
/// way, one table after the other: binary COPY on PostgreSQL, one prepared INSERT run per row on SQLite (SQLite is in
/// the process: what costs is EF Core's per-entity work, not the round trips). Everything else (updates with their
/// concurrency checks) goes by <c>SaveChanges</c> before them. SQL Server saves as usual. Call it inside a transaction,
/// so that both parts commit together or not at all; the copied entities are detached afterwards.
/// </summary>
public static class CopyingSave
{
    /// <summary>A table's COPY command, its INSERT, and its columns in their order, worked out once per entity type.</summary>
    private sealed record CopyTable(string Copy, string Insert, (IProperty Property, ValueConverter? Converter)[] Columns);

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

            var postgres = db.Database.IsNpgsql();
            if (!postgres && !db.Database.IsSqlite())
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
            foreach (var (table, rows) in tables)
            {
                if (postgres)
                {
                    await CopyAsync((NpgsqlConnection)db.Database.GetDbConnection(), table, rows, cancellationToken);
                }
                else
                {
                    await InsertPreparedAsync(db, table, rows, cancellationToken);
                }
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
        return new CopyTable(
            $"COPY {name} ({columns}) FROM STDIN (FORMAT BINARY)",
            $"INSERT INTO {name} ({columns}) VALUES ({string.Join(", ", properties.Select((_, i) => $"@p{i}"))})",
            [.. properties.Select(p => (p, p.GetTypeMapping().Converter))]);
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

    /// <summary>
    /// The parameters are made by the properties' type mappings, as <c>SaveChanges</c> makes them, so each value is
    /// stored in the form EF Core stores and compares it (Guids and decimals as text, for example).
    /// </summary>
    private static async Task InsertPreparedAsync(DbContext db, CopyTable table, List<object?[]> rows, CancellationToken cancellationToken)
    {
        await using var insert = db.Database.GetDbConnection().CreateCommand();
        insert.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        insert.CommandText = table.Insert;
        for (var i = 0; i < table.Columns.Length; i++)
        {
            // The rows hold converted values already: the mapping only types the parameter.
            insert.Parameters.Add(table.Columns[i].Property.GetRelationalTypeMapping().CreateParameter(insert, $"@p{i}", null, nullable: true));
        }

        await insert.PrepareAsync(cancellationToken);
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                insert.Parameters[i].Value = row[i] ?? DBNull.Value;
            }

            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task CopyAsync(NpgsqlConnection connection, CopyTable table, List<object?[]> rows, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(table.Copy, cancellationToken);
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
