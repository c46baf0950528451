using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using NpgsqlTypes;

namespace Loyalty.Shared.Persistence;

/// <summary>
/// <c>SaveChanges</c> for a large batch. On PostgreSQL, the added entities of the insert-only types go in by binary COPY,
/// one stream per table, and everything else (updates with their concurrency checks) by <c>SaveChanges</c> before them.
/// Other providers save as usual. Call it inside a transaction, so that both parts commit together or not at all; the
/// copied entities are detached afterwards.
/// </summary>
public static class CopyingSave
{
    /// <param name="insertOnlyTypes">Entity types (owned ones too) whose added rows may be copied, principals before their dependents.</param>
    public static async Task SaveChangesCopyingAsync(this DbContext db, Type[] insertOnlyTypes, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
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
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        foreach (var (type, rows) in tables)
        {
            await CopyAsync(connection, type, rows, cancellationToken);
        }
    }

    /// <summary>The entry's column values as the database stores them (after value converters), in property order.</summary>
    private static object?[] RowOf(EntityEntry entry) =>
        [.. entry.Metadata.GetProperties().Select(p => p.GetTypeMapping().Converter is { } converter
            ? converter.ConvertToProvider(entry.Property(p.Name).CurrentValue)
            : entry.Property(p.Name).CurrentValue)];

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
