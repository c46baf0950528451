using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Loyalty.Testing.Salesforce;

/// <summary>
/// Bulk API 2.0 ingest (upsert jobs on Contact): create, upload CSV, close or abort, job info, and the successful,
/// failed and unprocessed results as CSV with sf__Id, sf__Created and sf__Error. A closed job is processed at once
/// and reports InProgress for <see cref="FakeSalesforceOptions.BulkPollsBeforeComplete"/> polls. Job data naming a
/// field Contact does not have fails the whole job (InvalidBatch), as in Salesforce; other refusals fail the row.
/// </summary>
public sealed partial class FakeSalesforce
{
    private const string CsvContentType = "text/csv";

    private readonly ConcurrentDictionary<string, FakeIngestJob> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FakeFault> _bulkPollFaults = new();
    private long _jobSequence;

    /// <summary>Every Bulk API 2.0 ingest job created, in no particular order.</summary>
    public IReadOnlyList<string> IngestJobStates => [.. _jobs.Values.Select(j => j.State)];

    /// <summary>The next request for an ingest job's info (a poll) is answered with <paramref name="fault"/>.</summary>
    public void FailNextBulkPoll(FakeFault fault) => _bulkPollFaults.Enqueue(fault);

    private void MapBulkIngest(RouteGroupBuilder data)
    {
        data.MapPost("/jobs/ingest", CreateIngestJob);
        data.MapPut("/jobs/ingest/{jobId}/batches", UploadJobData);
        data.MapMethods("/jobs/ingest/{jobId}", ["PATCH"], CloseOrAbortJob);
        data.MapGet("/jobs/ingest/{jobId}", IngestJobInfo);
        data.MapGet("/jobs/ingest/{jobId}/successfulResults", (string jobId) => JobResults(jobId, j => (["sf__Id", "sf__Created", .. j.Header], j.Successful)));
        data.MapGet("/jobs/ingest/{jobId}/failedResults", (string jobId) => JobResults(jobId, j => (["sf__Id", "sf__Error", .. j.Header], j.Failed)));
        data.MapGet("/jobs/ingest/{jobId}/unprocessedrecords", (string jobId) => JobResults(jobId, j => (j.Header, j.Unprocessed)));
    }

    private async Task<IResult> CreateIngestJob(HttpContext context, string version)
    {
        if (await ReadJsonAsync(context) is not JsonObject body)
        {
            return Json(400, SalesforceWire.Errors("JSON_PARSER_ERROR", "The request body must be a JSON object"));
        }

        var objectName = (string?)body["object"] ?? "";
        var operation = (string?)body["operation"] ?? "";
        var externalIdField = (string?)body["externalIdFieldName"];
        var refusal = !objectName.Equals("Contact", StringComparison.OrdinalIgnoreCase) ? $"InvalidJob : Unable to find object: {objectName}"
            : operation != "upsert" ? $"InvalidJob : The fake Salesforce serves upsert jobs only, not {operation}"
            : externalIdField is null || FieldOf(externalIdField) is not { ExternalId: true }
                ? $"InvalidJob : Field name provided, {externalIdField} does not match an External ID, Salesforce Id, or indexed field for Contact"
            : ((string?)body["contentType"] ?? "CSV") != "CSV" ? "InvalidJob : Invalid content type"
            : ((string?)body["columnDelimiter"] ?? "COMMA") != "COMMA" ? "InvalidJob : The fake Salesforce serves COMMA as the column delimiter only"
            : (string?)body["lineEnding"] is not (null or "LF" or "CRLF") ? "InvalidJob : Invalid line ending"
            : null;
        if (refusal is not null)
        {
            return Json(400, SalesforceWire.Errors("INVALIDJOB", refusal));
        }

        var job = new FakeIngestJob(
            $"750FK{Interlocked.Increment(ref _jobSequence):D10}AAA", version, FieldOf(externalIdField!)!.Name, (string?)body["lineEnding"] ?? "LF", Now());
        _jobs[job.Id] = job;
        return Json(200, JobInfo(job));
    }

    private async Task<IResult> UploadJobData(HttpContext context, string jobId)
    {
        if (!_jobs.TryGetValue(jobId, out var job))
        {
            return Json(404, SalesforceWire.Errors("NOT_FOUND", "The requested resource does not exist"));
        }

        if (!(context.Request.ContentType ?? "").StartsWith(CsvContentType, StringComparison.OrdinalIgnoreCase))
        {
            return Json(400, SalesforceWire.Errors("INVALIDJOB", "InvalidJob : Content-Type must be text/csv for CSV job data"));
        }

        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        lock (job)
        {
            if (job.State != "Open")
            {
                return Json(409, SalesforceWire.Errors("INVALIDJOBSTATE", $"Job {jobId} is not in Open state"));
            }

            job.Data.Append(text);
        }

        return Results.StatusCode(201);
    }

    private async Task<IResult> CloseOrAbortJob(HttpContext context, string jobId)
    {
        if (!_jobs.TryGetValue(jobId, out var job))
        {
            return Json(404, SalesforceWire.Errors("NOT_FOUND", "The requested resource does not exist"));
        }

        var state = (await ReadJsonAsync(context) as JsonObject)?["state"]?.ToString();
        lock (job)
        {
            var allowed = state switch
            {
                "UploadComplete" => job.State == "Open",
                "Aborted" => job.State is "Open" or "UploadComplete" or "InProgress",
                _ => false,
            };
            if (!allowed)
            {
                return Json(409, SalesforceWire.Errors("INVALIDJOBSTATE", $"Job {jobId} can not change from {job.State} to {state}"));
            }

            if (state == "Aborted")
            {
                var rows = Csv.Parse(job.Data.ToString());
                job.State = "Aborted";
                job.Header = rows.Count > 0 ? rows[0] : [];
                job.Unprocessed.AddRange(rows.Skip(1));
            }
            else
            {
                Process(job);
            }

            job.SystemModstamp = Now();
            return Json(200, JobInfo(job));
        }
    }

    private IResult IngestJobInfo(HttpContext context, string jobId)
    {
        if (_bulkPollFaults.TryDequeue(out var fault) && fault != FakeFault.Slow)
        {
            return FaultAnswer(context, fault);
        }

        if (!_jobs.TryGetValue(jobId, out var job))
        {
            return Json(404, SalesforceWire.Errors("NOT_FOUND", "The requested resource does not exist"));
        }

        lock (job)
        {
            if (job.State == "InProgress" && job.PollsBeforeDone-- <= 0)
            {
                job.State = job.ErrorMessage is null ? "JobComplete" : "Failed";
                job.SystemModstamp = Now();
            }

            return Json(200, JobInfo(job));
        }
    }

    private IResult JobResults(string jobId, Func<FakeIngestJob, (List<string> Header, List<List<string>> Rows)> results)
    {
        if (!_jobs.TryGetValue(jobId, out var job))
        {
            return Json(404, SalesforceWire.Errors("NOT_FOUND", "The requested resource does not exist"));
        }

        lock (job)
        {
            var (header, rows) = results(job);
            var csv = new StringBuilder();
            foreach (var row in rows.Prepend(header))
            {
                csv.AppendJoin(',', row.Select(c => $"\"{c.Replace("\"", "\"\"", StringComparison.Ordinal)}\"")).Append('\n');
            }

            return Results.Text(csv.ToString(), CsvContentType, Encoding.UTF8, 200);
        }
    }

    private IResult FaultAnswer(HttpContext context, FakeFault fault)
    {
        switch (fault)
        {
            case FakeFault.ExpiredSession:
                _sessions.TryRemove(context.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal), out _);
                return Json(401, SalesforceWire.Errors("INVALID_SESSION_ID", "Session expired or invalid"));
            case FakeFault.RequestLimitExceeded:
                return Json(403, SalesforceWire.Errors("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."));
            case FakeFault.UnableToLockRow:
                return Json(400, SalesforceWire.Errors("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record"));
            default:
                return Json(503, SalesforceWire.Errors("SERVER_UNAVAILABLE", "Server temporarily unavailable"));
        }
    }

    /// <summary>Applies the job's rows as Salesforce would, each on its own; unknown columns fail the whole job.</summary>
    private void Process(FakeIngestJob job)
    {
        var rows = Csv.Parse(job.Data.ToString());
        job.Header = rows.Count > 0 ? rows[0] : [];
        job.State = "InProgress";
        job.PollsBeforeDone = _options.BulkPollsBeforeComplete;
        if (job.Header.FirstOrDefault(c => FieldOf(c) is null) is { } unknown)
        {
            job.ErrorMessage = $"InvalidBatch : Field name not found : {unknown}";
            job.Unprocessed.AddRange(rows.Skip(1));
            return;
        }

        var keyColumn = job.Header.FindIndex(c => c.Equals(job.ExternalIdField, StringComparison.OrdinalIgnoreCase));
        var data = rows.Skip(1).Where(r => r is not [""]).ToList();
        var keyCounts = data.Where(r => keyColumn >= 0 && r[keyColumn].Length > 0)
            .GroupBy(r => r[keyColumn], StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        lock (_gate)
        {
            foreach (var cells in data)
            {
                var externalId = keyColumn >= 0 && keyColumn < cells.Count ? cells[keyColumn] : "";
                var (id, error, created) = ApplyRow(job, cells, externalId, keyCounts);
                if (error is null)
                {
                    job.Successful.Add([id!, created ? "true" : "false", .. cells]);
                }
                else
                {
                    var fields = string.Join(',', ((JsonArray)error["fields"]!).Select(f => (string)f!));
                    job.Failed.Add([id ?? "", $"{error["statusCode"]}:{error["message"]}:{fields} --", .. cells]);
                }
            }
        }

        job.Processed = data.Count;
    }

    private (string? Id, JsonObject? Error, bool Created) ApplyRow(FakeIngestJob job, List<string> cells, string externalId, Dictionary<string, int> keyCounts)
    {
        if (externalId.Length == 0)
        {
            return (null, SalesforceWire.RecordError("MISSING_ARGUMENT", $"{job.ExternalIdField} not specified", job.ExternalIdField), false);
        }

        if (keyCounts[externalId] > 1)
        {
            return (null, SalesforceWire.RecordError("DUPLICATE_EXTERNAL_ID", $"Duplicate external id specified: {externalId}", job.ExternalIdField), false);
        }

        var matches = Matching(job.ExternalIdField, externalId);
        if (matches.Count > 1)
        {
            return (null, SalesforceWire.RecordError("DUPLICATE_EXTERNAL_ID",
                $"{job.ExternalIdField}: more than one record found for external id field: [{string.Join(", ", matches.Select(m => m.Id))}]", job.ExternalIdField), false);
        }

        var target = matches.SingleOrDefault();
        if (_lockOnNextWrite.TryRemove(externalId, out _))
        {
            return (target?.Id, SalesforceWire.RecordError("UNABLE_TO_LOCK_ROW", $"unable to obtain exclusive access to this record or 1 records: {target?.Id}"), false);
        }

        var record = new JsonObject();
        for (var c = 0; c < job.Header.Count && c < cells.Count; c++)
        {
            var field = FieldOf(job.Header[c])!;
            var text = cells[c];
            if (text.Length == 0)
            {
                continue;
            }

            if (text == "#N/A")
            {
                record[field.Name] = null;
                continue;
            }

            if (!TryTyped(field, text, out var value))
            {
                return (target?.Id, SalesforceWire.RecordError("INVALID_FIELD",
                    $"Failed to deserialize field at col {c + 1}. Due to, '{text}' is not a valid value for the type xsd:{field.Type}"), false);
            }

            record[field.Name] = value;
        }

        if (RecordProblem(record, target) is { } problem)
        {
            return (target?.Id, problem, false);
        }

        var (contact, created) = Write(target, record, externalId);
        return (contact.Id, null, created);
    }

    private static bool TryTyped(FakeField field, string text, out JsonNode? value)
    {
        value = null;
        switch (field.Type)
        {
            case "double" or "currency" or "int":
                if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    return false;
                }

                value = JsonValue.Create(number);
                return true;
            case "boolean":
                if (!bool.TryParse(text, out var flag) && text is not ("1" or "0"))
                {
                    return false;
                }

                value = JsonValue.Create(flag || text == "1");
                return true;
            default:
                value = JsonValue.Create(text);
                return true;
        }
    }

    private static JsonObject JobInfo(FakeIngestJob job)
    {
        var info = new JsonObject
        {
            ["id"] = job.Id,
            ["operation"] = "upsert",
            ["object"] = "Contact",
            ["createdById"] = UserId,
            ["createdDate"] = SalesforceWire.FormatDateTime(job.CreatedDate),
            ["systemModstamp"] = SalesforceWire.FormatDateTime(job.SystemModstamp),
            ["state"] = job.State,
            ["externalIdFieldName"] = job.ExternalIdField,
            ["concurrencyMode"] = "Parallel",
            ["contentType"] = "CSV",
            ["apiVersion"] = double.Parse(job.ApiVersion[1..], CultureInfo.InvariantCulture),
            ["jobType"] = "V2Ingest",
            ["contentUrl"] = $"services/data/{job.ApiVersion}/jobs/ingest/{job.Id}/batches",
            ["lineEnding"] = job.LineEnding,
            ["columnDelimiter"] = "COMMA",
        };
        if (job.State is "JobComplete" or "Failed" or "Aborted" or "InProgress")
        {
            var done = job.State is "JobComplete";
            info["numberRecordsProcessed"] = done ? job.Processed : 0;
            info["numberRecordsFailed"] = done ? job.Failed.Count : 0;
            info["retries"] = 0;
            info["totalProcessingTime"] = 0;
            info["apiActiveProcessingTime"] = 0;
            info["apexProcessingTime"] = 0;
        }

        if (job.State == "Failed")
        {
            info["errorMessage"] = job.ErrorMessage;
        }

        return info;
    }

    private sealed class FakeIngestJob(string id, string apiVersion, string externalIdField, string lineEnding, DateTimeOffset created)
    {
        public string Id { get; } = id;

        public string ApiVersion { get; } = apiVersion;

        public string ExternalIdField { get; } = externalIdField;

        public string LineEnding { get; } = lineEnding;

        public DateTimeOffset CreatedDate { get; } = created;

        public DateTimeOffset SystemModstamp { get; set; } = created;

        public string State { get; set; } = "Open";

        public StringBuilder Data { get; } = new();

        public List<string> Header { get; set; } = [];

        public int PollsBeforeDone { get; set; }

        public string? ErrorMessage { get; set; }

        public int Processed { get; set; }

        public List<List<string>> Successful { get; } = [];

        public List<List<string>> Failed { get; } = [];

        public List<List<string>> Unprocessed { get; } = [];
    }
}
