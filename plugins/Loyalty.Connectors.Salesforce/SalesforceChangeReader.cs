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
/// timestamp across a page boundary are not skipped; a new run starts the look-back before the last change seen, so
/// a transaction that committed late with an earlier stamp is still read. Pages are keyset queries rather than held
/// query locators, which expire: a cursor stays valid however long the host waits before resuming it.
/// </summary>
internal sealed class SalesforceChangeReader(SalesforceRestClient client)
{
    private static readonly string[] SyncFields = ["Id", "IsDeleted", "SystemModstamp"];

    public async Task<SalesforceChangePage> ReadAsync(string? cursor, CancellationToken cancellationToken)
    {
        var settings = client.Settings;
        var position = cursor is null ? null : JsonSerializer.Deserialize<Position>(cursor);
        var fields = SyncFields
            .Concat(settings.Fields)
            .Distinct(StringComparer.OrdinalIgnoreCase);
        var where = position switch
        {
            null => "",
            { InRun: true } => $" WHERE (SystemModstamp > {SalesforceJson.SoqlDateTime(position.Modstamp)}"
                + $" OR (SystemModstamp = {SalesforceJson.SoqlDateTime(position.Modstamp)} AND Id > {SalesforceJson.SoqlString(position.Id)}))",
            _ => $" WHERE SystemModstamp >= {SalesforceJson.SoqlDateTime(position.Modstamp - settings.LookBack)}",
        };
        var soql = $"SELECT {string.Join(", ", fields)} FROM {settings.ObjectName}{where} ORDER BY SystemModstamp, Id LIMIT {settings.PageSize}";
        var rows = await client.QueryAsync(soql, includeDeleted: true, cancellationToken);

        var changes = rows.Select(row =>
        {
            row.Remove("attributes");
            return new SalesforceChange(
                (string)row["Id"]!,
                SalesforceJson.ParseDateTime((string)row["SystemModstamp"]!),
                (bool?)row["IsDeleted"] ?? false,
                row);
        }).ToList();
        var hasMore = changes.Count == settings.PageSize;
        var next = changes.Count > 0
            ? new Position(changes[^1].SystemModstamp, changes[^1].Id, hasMore)
            : position is null ? null : position with { InRun = false };
        return new SalesforceChangePage(changes, next is null ? "" : JsonSerializer.Serialize(next), hasMore);
    }

    private sealed record Position(DateTimeOffset Modstamp, string Id, bool InRun);
}
