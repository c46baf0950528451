using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Loyalty.Connectors.Salesforce;

/// <summary>A Bulk API 2.0 job ended Failed or Aborted; <see cref="ErrorMessage"/> is Salesforce's reason (e.g. "InvalidBatch : Field name not found : Foo__c").</summary>
internal sealed class SalesforceBulkJobException(string jobId, string state, string errorMessage)
    : Exception($"Salesforce bulk job {jobId} ended {state}: {errorMessage}")
{
    public string State { get; } = state;

    public string ErrorMessage { get; } = errorMessage;
}

/// <summary>Bulk API 2.0 ingest: one upsert job per large write, polled until Salesforce has processed it.</summary>
internal sealed partial class SalesforceRestClient
{
    private static readonly TimeSpan LongestPollInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Creates an upsert job, uploads the records as CSV, closes the job and polls it (the first wait
    /// <see cref="SalesforceSettings.BulkPollInterval"/>, doubling up to 30 s) until it is JobComplete, then maps its
    /// successful and failed results back to the records by external id, as their order is not guaranteed. Records in
    /// neither result fail as transient. A job that ends Failed or Aborted throws <see cref="SalesforceBulkJobException"/>:
    /// the records it did process are upserted by external id, so the host repeating the write applies nothing twice.
    /// </summary>
    private async Task<SalesforceWriteResult[]> BulkUpsertAsync(
        string objectName, string externalIdField, IReadOnlyList<JsonObject> records, CancellationToken cancellationToken)
    {
        var job = new JsonObject
        {
            ["object"] = objectName,
            ["externalIdFieldName"] = externalIdField,
            ["operation"] = "upsert",
            ["contentType"] = "CSV",
            ["columnDelimiter"] = "COMMA",
            ["lineEnding"] = "LF",
        };
        var opened = await SendAsync(HttpMethod.Post, DataPath("jobs/ingest"), JsonSerializer.SerializeToUtf8Bytes(job), cancellationToken);
        var jobId = (string)JsonNode.Parse(opened.Body)!["id"]!;
        _logger.LogInformation("Salesforce bulk job {Job} opened to upsert {Count} {Object} records", jobId, records.Count, objectName);
        await SendAsync(HttpMethod.Put, DataPath($"jobs/ingest/{jobId}/batches"), SalesforceCsv.Write(externalIdField, records), "text/csv", cancellationToken);
        await SendAsync(HttpMethod.Patch, DataPath($"jobs/ingest/{jobId}"), """{"state":"UploadComplete"}"""u8.ToArray(), cancellationToken);

        var (state, errorMessage) = await WaitForJobAsync(jobId, cancellationToken);
        if (state != "JobComplete")
        {
            _logger.LogWarning("Salesforce bulk job {Job} ended {State}: {Reason}", jobId, state, errorMessage);
            throw new SalesforceBulkJobException(jobId, state, errorMessage);
        }

        var pending = new Dictionary<string, Queue<int>>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < records.Count; i++)
        {
            var key = ExternalIdOf(records[i], externalIdField);
            if (!pending.TryGetValue(key, out var indices))
            {
                pending[key] = indices = new Queue<int>();
            }

            indices.Enqueue(i);
        }

        var results = new SalesforceWriteResult?[records.Count];
        var successful = await SendAsync(HttpMethod.Get, DataPath($"jobs/ingest/{jobId}/successfulResults/"), null, cancellationToken);
        foreach (var row in SalesforceCsv.Read(successful.Body))
        {
            Place(row, (key, id) => new SalesforceWriteResult(key, row["sf__Created"] == "true" ? WriteOutcome.Created : WriteOutcome.Updated, id, []));
        }

        var failed = await SendAsync(HttpMethod.Get, DataPath($"jobs/ingest/{jobId}/failedResults/"), null, cancellationToken);
        foreach (var row in SalesforceCsv.Read(failed.Body))
        {
            Place(row, (key, id) => new SalesforceWriteResult(key, WriteOutcome.Failed, id, [SalesforceJson.BulkError(row["sf__Error"])]));
        }

        var unprocessed = new SalesforceError("BULK_UNPROCESSED", $"Salesforce did not process the record in bulk job {jobId}", []);
        return [.. results.Select((r, i) => r ?? new SalesforceWriteResult(ExternalIdOf(records[i], externalIdField), WriteOutcome.Failed, null, [unprocessed]))];

        void Place(Dictionary<string, string> row, Func<string, string?, SalesforceWriteResult> result)
        {
            if (row.TryGetValue(externalIdField, out var key) && pending.TryGetValue(key, out var indices) && indices.TryDequeue(out var index))
            {
                results[index] = result(ExternalIdOf(records[index], externalIdField), row.GetValueOrDefault("sf__Id") is { Length: > 0 } id ? id : null);
            }
        }
    }

    private async Task<(string State, string ErrorMessage)> WaitForJobAsync(string jobId, CancellationToken cancellationToken)
    {
        var wait = _settings.BulkPollInterval;
        while (true)
        {
            var answer = await SendAsync(HttpMethod.Get, DataPath($"jobs/ingest/{jobId}"), null, cancellationToken);
            var job = JsonNode.Parse(answer.Body)!;
            var state = (string)job["state"]!;
            var processed = (long?)job["numberRecordsProcessed"] ?? 0;
            var failed = (long?)job["numberRecordsFailed"] ?? 0;
            if (state is "JobComplete" or "Failed" or "Aborted")
            {
                _logger.LogInformation(
                    "Salesforce bulk job {Job} {State}: {Processed} records processed, {Failed} failed", jobId, state, processed, failed);
                return (state, (string?)job["errorMessage"] ?? "");
            }

            _logger.LogInformation(
                "Salesforce bulk job {Job} {State}: {Processed} records processed so far; asking again in {Wait} s",
                jobId, state, processed, wait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture));
            await Task.Delay(wait, _time, cancellationToken);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LongestPollInterval.Ticks));
        }
    }
}
