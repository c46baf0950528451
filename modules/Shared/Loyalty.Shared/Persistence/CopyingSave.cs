using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Loyalty.Shared.Persistence;

/// <summary>
/// <c>SaveChanges</c> for a large batch. The added entities of the insert-only types go in by the database's fastest
/// way, one table after the other: binary COPY on PostgreSQL, one prepared INSERT run per row on SQLite (SQLite is in
/// the process: what costs is EF Core's per-entity work, not the round trips). Everything else (updates with their
/// concurrency checks) goes by <c>SaveChanges</c> before them. SQL Server saves as usual. Call it inside a transaction,
/// so that both parts commit together or not at all; the copied entities are detached afterwards.
/// </summary>
public static class CopyingSave
{
    /// <param name="insertOnlyTypes">Entity types (owned ones too) whose added rows may be copied, principals before their dependents.</param>
    public static async Task SaveChangesCopyingAsync(this DbContext db, Type[] insertOnlyTypes, CancellationToken cancellationToken)
    {
        var postgres = db.Database.IsNpgsql();
        if (!postgres && !db.Database.IsSqlite())
        {
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        db.ChangeTracker.DetectChanges();
        var added = db.ChangeTracker.Entries()
            .Where(e => e.State == EntityState.Added && insertOnlyTypes.Contains(e.Metadata.ClrType))
            .ToList();
        var tables = added
            .GroupBy(e => e.Metadata)
            .OrderBy(g => Array.IndexOf(insertOnlyTypes, g.Key.ClrType))
            .Select(g => (Type: g.Key, Rows: g.Select(RowOf).ToList()))
            .ToList();
        foreach (var entry in added)
        {
            entry.State = EntityState.Detached;
        }

        await db.SaveChangesAsync(cancellationToken);
        foreach (var (type, rows) in tables)
        {
            if (postgres)
            {
                await CopyAsync((NpgsqlConnection)db.Database.GetDbConnection(), type, rows, cancellationToken);
            }
            else
            {
                await InsertPreparedAsync(db, type, rows, cancellationToken);
            }
        }
    }

    /// <summary>The entry's column values as the database stores them (after value converters), in property order.</summary>
    private static object?[] RowOf(EntityEntry entry) =>
        [.. entry.Metadata.GetProperties().Select(p => p.GetTypeMapping().Converter is { } converter
            ? converter.ConvertToProvider(entry.Property(p.Name).CurrentValue)
            : entry.Property(p.Name).CurrentValue)];

    /// <summary>
    /// The parameters are made by the properties' type mappings, as <c>SaveChanges</c> makes them, so each value is
    /// stored in the form EF Core stores and compares it (Guids and decimals as text, for example).
    /// </summary>
    private static async Task InsertPreparedAsync(DbContext db, IEntityType type, List<object?[]> rows, CancellationToken cancellationToken)
    {
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var properties = type.GetProperties().ToList();
        await using var insert = db.Database.GetDbConnection().CreateCommand();
        insert.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        insert.CommandText = $"INSERT INTO \"{table.Name}\" ({string.Join(", ", properties.Select(p => $"\"{p.GetColumnName(table)}\""))}) "
            + $"VALUES ({string.Join(", ", properties.Select((_, i) => $"@p{i}"))})";
        for (var i = 0; i < properties.Count; i++)
        {
            // The rows hold converted values already: the mapping only types the parameter.
            insert.Parameters.Add(properties[i].GetRelationalTypeMapping().CreateParameter(insert, $"@p{i}", null, nullable: true));
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

    private static async Task CopyAsync(NpgsqlConnection connection, IEntityType type, List<object?[]> rows, CancellationToken cancellationToken)
    {
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var columns = string.Join(", ", type.GetProperties().Select(p => $"\"{p.GetColumnName(table)}\""));
        var name = table.Schema is null ? $"\"{table.Name}\"" : $"\"{table.Schema}\".\"{table.Name}\"";
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {name} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
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
