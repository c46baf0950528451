using System.Net;
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
/// before the last change seen, so a transaction that committed late with an earlier stamp is still read. A run's
/// pages of 200 records or more follow one query's nextRecordsUrl; the cursor also keeps the last (SystemModstamp, Id),
/// so when the query locator has expired (Salesforce keeps them for minutes) the page is a keyset query from there,
/// and a cursor stays valid however long the host waits. Smaller pages are keyset queries with LIMIT.
/// </summary>
internal sealed class SalesforceChangeReader(SalesforceRestClient client)
{
    private const int SmallestQueryBatch = 200;
    private const int LargestQueryBatch = 2000;

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

        var select = $"SELECT {string.Join(", ", selected)} FROM {objectName}{where} ORDER BY SystemModstamp, Id";
        List<JsonObject> rows;
        string? nextRecordsUrl = null;
        bool hasMore;
        if (pageSize >= SmallestQueryBatch)
        {
            // One query a run, followed through nextRecordsUrl page by page, costs Salesforce one sort instead of one
            // per page; the position stays in the cursor, so an expired locator falls back to the keyset query.
            var batchSize = Math.Min(pageSize, LargestQueryBatch);
            var followed = position is { InRun: true, NextRecordsUrl: { } url } ? await FollowAsync(url, batchSize, cancellationToken) : null;
            (rows, nextRecordsUrl) = followed ?? await client.QueryFirstPageAsync(select, includeDeleted: true, batchSize, cancellationToken);
            while (nextRecordsUrl is not null && rows.Count + batchSize <= pageSize)
            {
                var (more, after) = await client.QueryNextPageAsync(nextRecordsUrl, batchSize, cancellationToken);
                rows.AddRange(more);
                nextRecordsUrl = after;
            }

            hasMore = nextRecordsUrl is not null;
        }
        else
        {
            rows = await client.QueryAsync($"{select} LIMIT {pageSize}", includeDeleted: true, pageSize, cancellationToken);
            hasMore = rows.Count == pageSize;
        }

        var changes = rows.Select(row =>
        {
            row.Remove("attributes");
            return new SalesforceChange(
                (string)row["Id"]!,
                SalesforceJson.ParseDateTime((string)row["SystemModstamp"]!),
                (bool?)row["IsDeleted"] ?? false,
                row);
        }).ToList();
        var next = changes.Count > 0
            ? new Position(changes[^1].SystemModstamp, changes[^1].Id, hasMore, nextRecordsUrl)
            : position is null ? new Position(DateTimeOffset.MinValue, "", false, null) : position with { InRun = false, NextRecordsUrl = null };
        return new SalesforceChangePage(changes, JsonSerializer.Serialize(next), hasMore);
    }

    private async Task<(List<JsonObject> Records, string? NextRecordsUrl)?> FollowAsync(string nextRecordsUrl, int batchSize, CancellationToken cancellationToken)
    {
        try
        {
            return await client.QueryNextPageAsync(nextRecordsUrl, batchSize, cancellationToken);
        }
        catch (SalesforceException e) when (e.Error.Code == "INVALID_QUERY_LOCATOR" || e.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <param name="NextRecordsUrl">Within a run, the rest of the run's query; null when the page was a keyset query.</param>
    private sealed record Position(DateTimeOffset Modstamp, string Id, bool InRun, string? NextRecordsUrl);
}
