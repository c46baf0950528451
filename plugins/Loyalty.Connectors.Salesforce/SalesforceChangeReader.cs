using System.Text.Json;
using System.Text.Json.Nodes;

namespace Loyalty.Connectors.Salesforce;

/// <summary>A changed or deleted record; <see cref="Record"/> holds the fields read, Salesforce's attributes removed.</summary>
internal sealed record SalesforceChange(string Id, DateTimeOffset SystemModstamp, bool IsDeleted, JsonObject Record);

/// <summary>One page of changes and the opaque cursor to read the next one from.</summary>
internal sealed record SalesforceChangePage(IReadOnlyList<SalesforceChange> Changes, string Cursor, bool HasMore);

/// <summary>
/// Reads changes in SystemModstamp order with Id as the tie-breaker, through queryAll so deletions (IsDeleted) come
/// too. Within a run the next page starts strictly after the last (SystemModstamp, Id) read, so records that share a
/// timestamp across a page boundary are not skipped; a new run (after a page without more) starts the look-back
/// before the last change seen, so a transaction that committed late with an earlier stamp is still read. Pages are
/// keyset queries rather than held query locators, which expire: a cursor stays valid however long the host waits.
/// </summary>
internal sealed class SalesforceChangeReader(SalesforceRestClient client)
{
    private static readonly string[] SyncFields = ["Id", "IsDeleted", "SystemModstamp"];

    public async Task<SalesforceChangePage> ReadAsync(
        string objectName, IReadOnlyList<string> fields, string? cursor, int pageSize, TimeSpan lookBack, CancellationToken cancellationToken)
    {
        var position = string.IsNullOrEmpty(cursor) ? null : JsonSerializer.Deserialize<Position>(cursor);
        var selected = SyncFields.Concat(fields).Distinct(StringComparer.OrdinalIgnoreCase);
        var where = "";
        // A full load that found nothing leaves no position yet: the next read is a full load again.
        if (position is not null && position.Modstamp > DateTimeOffset.MinValue)
        {
            var (from, afterId) = position.InRun || lookBack <= TimeSpan.Zero
                ? (position.Modstamp, position.Id)
                : (position.Modstamp - lookBack, "");
            var stamp = SalesforceJson.SoqlDateTime(from);
            where = $" WHERE (SystemModstamp > {stamp} OR (SystemModstamp = {stamp} AND Id > {SalesforceJson.SoqlString(afterId)}))";
        }

        var soql = $"SELECT {string.Join(", ", selected)} FROM {objectName}{where} ORDER BY SystemModstamp, Id LIMIT {pageSize}";
        var rows = await client.QueryAsync(soql, includeDeleted: true, pageSize, cancellationToken);

        var changes = rows.Select(row =>
        {
            row.Remove("attributes");
            return new SalesforceChange(
                (string)row["Id"]!,
                SalesforceJson.ParseDateTime((string)row["SystemModstamp"]!),
                (bool?)row["IsDeleted"] ?? false,
                row);
        }).ToList();
        var hasMore = changes.Count == pageSize;
        var next = changes.Count > 0
            ? new Position(changes[^1].SystemModstamp, changes[^1].Id, hasMore)
            : position is null ? new Position(DateTimeOffset.MinValue, "", false) : position with { InRun = false };
        return new SalesforceChangePage(changes, JsonSerializer.Serialize(next), hasMore);
    }

    private sealed record Position(DateTimeOffset Modstamp, string Id, bool InRun);
}
