using System.Buffers;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Loyalty.Connectors.Salesforce;

/// <summary>The org's API usage in its rolling 24 hours, as the last Sforce-Limit-Info header said.</summary>
internal sealed record ApiUsage(long Used, long Limit);

internal enum WriteOutcome
{
    Created,
    Updated,
    Deleted,
    NotFound,
    Failed,
}

/// <summary>The answer for one record of a write; <paramref name="Key"/> is the external id (upsert) or record id (delete).</summary>
internal sealed record SalesforceWriteResult(string Key, WriteOutcome Outcome, string? SalesforceId, IReadOnlyList<SalesforceError> Errors);

internal sealed record SalesforceField(string Name, string Label, string Type, int Length, bool ExternalId, bool Createable, bool Updateable, bool Nillable);

internal sealed record SalesforceObject(string Name, string Label, IReadOnlyList<SalesforceField> Fields);

/// <summary>
/// Salesforce's REST API for one connection: authenticates, re-authenticates once on INVALID_SESSION_ID, retries
/// 5xx, timeouts and UNABLE_TO_LOCK_ROW with exponential backoff and jitter, turns REQUEST_LIMIT_EXCEEDED into
/// <see cref="SalesforceRequestLimitExceededException"/> and publishes Sforce-Limit-Info as a gauge.
/// </summary>
internal sealed partial class SalesforceRestClient
{
    public const int CollectionLimit = 200;

    private const int BulkIngestSince = 41;

    private const int CollectionsUpdateSince = 42;

    private static readonly Meter Meter = new("Loyalty.Connectors.Salesforce");
    private static readonly Gauge<long> UsageGauge = Meter.CreateGauge<long>(
        "loyalty.connectors.salesforce.api_usage", "{request}", "API requests the org used in its rolling 24 hours (Sforce-Limit-Info)");
    private static readonly Gauge<long> LimitGauge = Meter.CreateGauge<long>(
        "loyalty.connectors.salesforce.api_limit", "{request}", "API requests the org may make in 24 hours (Sforce-Limit-Info)");

    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SalesforceSettings _settings;
    private readonly SalesforceSession _session;
    private readonly ResiliencePipeline<Answer> _requestPipeline;
    private readonly ResiliencePipeline<int> _lockedRecordsPipeline;
    private ApiUsage? _apiUsage;

    public SalesforceRestClient(HttpClient http, SalesforceSettings settings, TimeProvider time, ILogger logger)
    {
        _http = http;
        _time = time;
        _logger = logger;
        _settings = settings;
        _session = new SalesforceSession(http, settings, time);
        _requestPipeline = new ResiliencePipelineBuilder<Answer> { TimeProvider = time }
            .AddRetry(RetryOptions(new PredicateBuilder<Answer>()
                .Handle<HttpRequestException>()
                .Handle<TimeoutRejectedException>()
                .Handle<TaskCanceledException>(e => e.InnerException is TimeoutException)
                .HandleResult(IsTransient)))
            .AddTimeout(settings.AttemptTimeout)
            .Build();
        // A collection answers 200 even when some records could not be locked; those records alone are sent again.
        _lockedRecordsPipeline = new ResiliencePipelineBuilder<int> { TimeProvider = time }
            .AddRetry(RetryOptions(new PredicateBuilder<int>().HandleResult(stillLocked => stillLocked > 0)))
            .Build();
    }

    public ApiUsage? ApiUsage => _apiUsage;

    public SalesforceSession Session => _session;

    /// <summary>All records a SOQL query selects, following nextRecordsUrl; queryAll also returns deleted ones.</summary>
    public async Task<List<JsonObject>> QueryAsync(string soql, bool includeDeleted, int batchSize, CancellationToken cancellationToken)
    {
        var records = new List<JsonObject>();
        var queryOptions = $"batchSize={Math.Clamp(batchSize, 200, 2000).ToString(CultureInfo.InvariantCulture)}";
        string? path = DataPath($"{(includeDeleted ? "queryAll" : "query")}?q={Uri.EscapeDataString(soql)}");
        while (path is not null)
        {
            var answer = await SendAsync(HttpMethod.Get, path, null, cancellationToken, ("Sforce-Query-Options", queryOptions));
            var page = JsonNode.Parse(answer.Body)!.AsObject();
            records.AddRange(page["records"]!.AsArray().Select(r => r!.AsObject()));
            path = page["done"]!.GetValue<bool>() ? null : (string?)page["nextRecordsUrl"];
        }

        return records;
    }

    /// <summary>The first page of a SOQL query (at most <paramref name="batchSize"/> records, 200 to 2,000) and the nextRecordsUrl of the rest.</summary>
    public Task<(List<JsonObject> Records, string? NextRecordsUrl)> QueryFirstPageAsync(string soql, bool includeDeleted, int batchSize, CancellationToken cancellationToken) =>
        QueryPageAsync(DataPath($"{(includeDeleted ? "queryAll" : "query")}?q={Uri.EscapeDataString(soql)}"), batchSize, cancellationToken);

    /// <summary>The page at a nextRecordsUrl; Salesforce answers INVALID_QUERY_LOCATOR once the query's locator has expired.</summary>
    public Task<(List<JsonObject> Records, string? NextRecordsUrl)> QueryNextPageAsync(string nextRecordsUrl, int batchSize, CancellationToken cancellationToken) =>
        QueryPageAsync(nextRecordsUrl, batchSize, cancellationToken);

    private async Task<(List<JsonObject> Records, string? NextRecordsUrl)> QueryPageAsync(string path, int batchSize, CancellationToken cancellationToken)
    {
        var queryOptions = $"batchSize={Math.Clamp(batchSize, 200, 2000).ToString(CultureInfo.InvariantCulture)}";
        var answer = await SendAsync(HttpMethod.Get, path, null, cancellationToken, ("Sforce-Query-Options", queryOptions));
        var page = JsonNode.Parse(answer.Body)!.AsObject();
        return ([.. page["records"]!.AsArray().Select(r => r!.AsObject())], page["done"]!.GetValue<bool>() ? null : (string?)page["nextRecordsUrl"]);
    }

    public async Task<SalesforceObject> DescribeAsync(string objectName, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(HttpMethod.Get, DataPath($"sobjects/{objectName}/describe"), null, cancellationToken);
        var description = JsonNode.Parse(answer.Body)!;
        return new SalesforceObject(
            (string)description["name"]!,
            (string?)description["label"] ?? "",
            [.. description["fields"]!.AsArray().Select(f => new SalesforceField(
                (string)f!["name"]!, (string?)f["label"] ?? "", (string)f["type"]!, (int?)f["length"] ?? 0,
                (bool?)f["externalId"] ?? false, (bool?)f["createable"] ?? false, (bool?)f["updateable"] ?? false, (bool?)f["nillable"] ?? true))]);
    }

    /// <summary>
    /// Upserts by the external id field. More records than <see cref="SalesforceSettings.BulkThreshold"/> go through one
    /// Bulk API 2.0 ingest job (records Salesforce could not lock there are sent again through collections); fewer go
    /// through sObject Collections, 200 records a request, allOrNone off so one bad record does not hold back the
    /// others. Each record must carry the external id field.
    /// </summary>
    public async Task<IReadOnlyList<SalesforceWriteResult>> UpsertAsync(
        string objectName, string externalIdField, IReadOnlyList<JsonObject> records, CancellationToken cancellationToken)
    {
        if (IsRecordId(externalIdField))
        {
            return await UpdateByIdAsync(objectName, externalIdField, records, cancellationToken);
        }

        if (records.Count <= _settings.BulkThreshold || ApiMajorVersion < BulkIngestSince)
        {
            return await UpsertInCollectionsAsync(objectName, externalIdField, records, cancellationToken);
        }

        var results = await BulkUpsertAsync(objectName, externalIdField, records, cancellationToken);
        var locked = Enumerable.Range(0, records.Count).Where(i => results[i].Errors.Any(e => e.Code == "UNABLE_TO_LOCK_ROW")).ToList();
        if (locked.Count > 0)
        {
            var again = await UpsertInCollectionsAsync(objectName, externalIdField, [.. locked.Select(i => records[i])], cancellationToken);
            for (var n = 0; n < locked.Count; n++)
            {
                results[locked[n]] = again[n];
            }
        }

        return results;
    }

    /// <summary>
    /// Writes by the record's own id, which Salesforce does not take as an upsert key: an update, through the sObject
    /// Collections update (<c>PATCH /composite/sobjects</c>, 200 a request, from API version 42.0) or, before that, one
    /// <c>PATCH /sobjects/{object}/{id}</c> a record (204). A record that is not there fails; nothing is created.
    /// </summary>
    private async Task<IReadOnlyList<SalesforceWriteResult>> UpdateByIdAsync(
        string objectName, string idField, IReadOnlyList<JsonObject> records, CancellationToken cancellationToken)
    {
        if (ApiMajorVersion >= CollectionsUpdateSince)
        {
            return await UpsertInCollectionsAsync(objectName, idField, records, cancellationToken, DataPath("composite/sobjects"));
        }

        var results = new SalesforceWriteResult[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            var id = ExternalIdOf(records[i], idField);
            var fields = records[i].DeepClone().AsObject();
            fields.Remove(idField);
            try
            {
                await SendAsync(HttpMethod.Patch, DataPath($"sobjects/{objectName}/{Uri.EscapeDataString(id)}"), JsonSerializer.SerializeToUtf8Bytes(fields), cancellationToken);
                results[i] = new SalesforceWriteResult(id, WriteOutcome.Updated, id, []);
            }
            catch (SalesforceException e) when (e.Status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound)
            {
                results[i] = new SalesforceWriteResult(id, WriteOutcome.Failed, null, [e.Error]);
            }
        }

        return results;
    }

    private static bool IsRecordId(string field) => field.Equals("Id", StringComparison.OrdinalIgnoreCase);

    private async Task<IReadOnlyList<SalesforceWriteResult>> UpsertInCollectionsAsync(
        string objectName, string externalIdField, IReadOnlyList<JsonObject> records, CancellationToken cancellationToken, string? updatePath = null)
    {
        var results = new SalesforceWriteResult[records.Count];
        // Collections upsert exists from API version 46.0; an org pinned to an older version gets one request a record.
        if (updatePath is null && ApiMajorVersion < 46)
        {
            for (var i = 0; i < records.Count; i++)
            {
                var fields = records[i].DeepClone().AsObject();
                fields.Remove(externalIdField);
                results[i] = await UpsertOneAsync(objectName, externalIdField, ExternalIdOf(records[i], externalIdField), fields, cancellationToken);
            }

            return results;
        }

        var path = updatePath ?? DataPath($"composite/sobjects/{objectName}/{externalIdField}");
        foreach (var chunk in Enumerable.Range(0, records.Count).Chunk(CollectionLimit))
        {
            IReadOnlyList<int> pending = chunk;
            await _lockedRecordsPipeline.ExecuteAsync(async ct =>
            {
                var answer = await SendAsync(HttpMethod.Patch, path, CollectionBody(objectName, pending.Select(i => records[i])), ct);
                var items = JsonNode.Parse(answer.Body)!.AsArray();
                var locked = new List<int>();
                for (var n = 0; n < pending.Count; n++)
                {
                    var index = pending[n];
                    var result = UpsertResult(ExternalIdOf(records[index], externalIdField), items[n]!.AsObject());
                    results[index] = result;
                    if (result.Errors.Any(e => e.Code == "UNABLE_TO_LOCK_ROW"))
                    {
                        locked.Add(index);
                    }
                }

                pending = locked;
                return locked.Count;
            }, cancellationToken);
        }

        return results;
    }

    /// <summary>
    /// Upserts one record by external id. Salesforce answers 201 when it created the record, 200 (API 46.0 and later)
    /// or 204 (before) when it updated one, and 300 with the matching records when the external id is ambiguous.
    /// </summary>
    public async Task<SalesforceWriteResult> UpsertOneAsync(
        string objectName, string externalIdField, string externalId, JsonObject fields, CancellationToken cancellationToken)
    {
        var path = DataPath($"sobjects/{objectName}/{externalIdField}/{Uri.EscapeDataString(externalId)}");
        try
        {
            var answer = await SendAsync(HttpMethod.Patch, path, JsonSerializer.SerializeToUtf8Bytes(fields), cancellationToken);
            if (answer.Status == HttpStatusCode.MultipleChoices)
            {
                var matches = JsonNode.Parse(answer.Body)!.AsArray().Select(m => (string?)m).ToList();
                return new SalesforceWriteResult(externalId, WriteOutcome.Failed, null,
                    [new SalesforceError("DUPLICATE_EXTERNAL_ID", $"{matches.Count} records match: {string.Join(", ", matches)}", [externalIdField])]);
            }

            var id = answer.Body.Length == 0 ? null : (string?)JsonNode.Parse(answer.Body)!["id"];
            return new SalesforceWriteResult(externalId, answer.Status == HttpStatusCode.Created ? WriteOutcome.Created : WriteOutcome.Updated, id, []);
        }
        catch (SalesforceException e) when (e.Status == HttpStatusCode.BadRequest)
        {
            return new SalesforceWriteResult(externalId, WriteOutcome.Failed, null, [e.Error]);
        }
    }

    /// <summary>Deletes records by id, 200 a request; a record already deleted or never there is NotFound, so erasure can be repeated.</summary>
    public async Task<IReadOnlyList<SalesforceWriteResult>> DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var results = new List<SalesforceWriteResult>(ids.Count);
        foreach (var chunk in ids.Chunk(CollectionLimit))
        {
            var path = DataPath($"composite/sobjects?ids={string.Join(',', chunk.Select(Uri.EscapeDataString))}&allOrNone=false");
            var answer = await SendAsync(HttpMethod.Delete, path, null, cancellationToken);
            var items = JsonNode.Parse(answer.Body)!.AsArray();
            for (var n = 0; n < chunk.Length; n++)
            {
                var errors = Errors(items[n]!.AsObject());
                var outcome = errors.Count == 0 ? WriteOutcome.Deleted
                    : errors.All(e => e.Code is "ENTITY_IS_DELETED" or "INVALID_CROSS_REFERENCE_KEY") ? WriteOutcome.NotFound
                    : WriteOutcome.Failed;
                results.Add(new SalesforceWriteResult(chunk[n], outcome, chunk[n], outcome == WriteOutcome.Failed ? errors : []));
            }
        }

        return results;
    }

    private int ApiMajorVersion => int.Parse(_settings.ApiVersion.AsSpan(1, _settings.ApiVersion.IndexOf('.', StringComparison.Ordinal) - 1), CultureInfo.InvariantCulture);

    private string DataPath(string rest) => $"/services/data/{_settings.ApiVersion}/{rest}";

    /// <summary>{"allOrNone":false,"records":[{"attributes":{"type":…},…}]}, written straight from the records without copying them.</summary>
    private static byte[] CollectionBody(string objectName, IEnumerable<JsonObject> records)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("allOrNone", false);
            writer.WriteStartArray("records");
            foreach (var record in records)
            {
                writer.WriteStartObject();
                writer.WriteStartObject("attributes");
                writer.WriteString("type", objectName);
                writer.WriteEndObject();
                foreach (var (name, value) in record)
                {
                    writer.WritePropertyName(name);
                    if (value is null)
                    {
                        writer.WriteNullValue();
                    }
                    else
                    {
                        value.WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string ExternalIdOf(JsonObject record, string externalIdField) =>
        record[externalIdField] is JsonValue value
            ? value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString()
            : throw new ArgumentException($"a record to upsert has no {externalIdField}", nameof(record));

    private static SalesforceWriteResult UpsertResult(string externalId, JsonObject item)
    {
        if ((bool?)item["success"] != true)
        {
            return new SalesforceWriteResult(externalId, WriteOutcome.Failed, (string?)item["id"], Errors(item));
        }

        return new SalesforceWriteResult(externalId, (bool?)item["created"] == true ? WriteOutcome.Created : WriteOutcome.Updated, (string?)item["id"], []);
    }

    private static List<SalesforceError> Errors(JsonObject item) =>
        item["errors"] is JsonArray errors ? [.. errors.Select(e => SalesforceJson.Error(e!.AsObject(), "statusCode"))] : [];

    private Task<Answer> SendAsync(HttpMethod method, string path, byte[]? payload, CancellationToken cancellationToken, params (string Name, string Value)[] headers) =>
        SendAsync(method, path, payload, "application/json", cancellationToken, headers);

    private async Task<Answer> SendAsync(
        HttpMethod method, string path, byte[]? payload, string contentType, CancellationToken cancellationToken, params (string Name, string Value)[] headers)
    {
        var answer = await _requestPipeline.ExecuteAsync(async ct =>
        {
            var token = await _session.GetAsync(ct);
            var first = await SendOnceAsync(token, method, path, payload, contentType, headers, ct);
            if (first.Status != HttpStatusCode.Unauthorized || first.Error.Code != "INVALID_SESSION_ID")
            {
                return first;
            }

            _session.Invalidate(token);
            _logger.LogInformation("Salesforce session of org {Org} expired; signing in again", OrgOf(token));
            var again = await SendOnceAsync(await _session.GetAsync(ct), method, path, payload, contentType, headers, ct);
            return again.Status == HttpStatusCode.Unauthorized
                ? throw new SalesforceAuthenticationException($"Salesforce refused a fresh session too ({again.Error.Code}: {again.Error.Message})")
                : again;
        }, cancellationToken);

        if (answer.Status == HttpStatusCode.Forbidden && answer.Error.Code == "REQUEST_LIMIT_EXCEEDED")
        {
            _logger.LogWarning("Salesforce refused a request: the org's API request limit is reached (last usage {Usage}); stopping until later", _apiUsage);
            throw new SalesforceRequestLimitExceededException(answer.Error);
        }

        return (int)answer.Status is >= 200 and < 300 || answer.Status == HttpStatusCode.MultipleChoices
            ? answer
            : throw new SalesforceException(answer.Status, answer.Error);
    }

    private async Task<Answer> SendOnceAsync(
        SalesforceToken token, HttpMethod method, string path, byte[]? payload, string contentType, (string Name, string Value)[] headers, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(token.InstanceUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (payload is not null)
        {
            request.Content = new ByteArrayContent(payload);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType) { CharSet = "utf-8" };
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        ReadLimitInfo(token, response);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return new Answer(response.StatusCode, text);
    }

    private void ReadLimitInfo(SalesforceToken token, HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Sforce-Limit-Info", out var values)
            || ApiUsagePattern().Match(string.Join(',', values)) is not { Success: true } match)
        {
            return;
        }

        var usage = new ApiUsage(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
        _apiUsage = usage;
        var org = new KeyValuePair<string, object?>("salesforce.org", OrgOf(token));
        UsageGauge.Record(usage.Used, org);
        LimitGauge.Record(usage.Limit, org);
    }

    /// <summary>The identity URL ends in /id/{orgId}/{userId}: the org tells two connections apart without naming anyone.</summary>
    private static string OrgOf(SalesforceToken token) => token.IdentityUrl.Split('/') is { Length: >= 2 } parts ? parts[^2] : "";

    private RetryStrategyOptions<T> RetryOptions<T>(PredicateBuilder<T> shouldHandle) => new()
    {
        ShouldHandle = shouldHandle,
        MaxRetryAttempts = _settings.MaxRetries,
        Delay = _settings.RetryBaseDelay,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
    };

    private static bool IsTransient(Answer answer) =>
        (int)answer.Status >= 500 || answer.Status == HttpStatusCode.TooManyRequests || answer.Error.Code == "UNABLE_TO_LOCK_ROW";

    [GeneratedRegex(@"api-usage=(\d+)/(\d+)")]
    private static partial Regex ApiUsagePattern();

    private sealed record Answer(HttpStatusCode Status, string Body)
    {
        public SalesforceError Error { get; } = (int)Status is >= 200 and < 300
            ? new SalesforceError("", "", [])
            : SalesforceJson.FirstError(Status, Body);
    }
}
