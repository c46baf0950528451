using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loyalty.Connectors.Sdk;
using Microsoft.Extensions.Logging;
using Polly.Timeout;

namespace Loyalty.Connectors.Salesforce;

/// <summary>
/// The SDK contract over Salesforce's REST API. Values cross the contract as invariant strings; this class converts
/// them from and to Salesforce's JSON by the field types describe reports, and classifies Salesforce's failures for
/// the host (rate limit: stop and resume; session refused: unauthorized; unknown object or field: configuration).
/// </summary>
internal sealed class SalesforceConnector(
    HttpClient http, SalesforceSettings settings, IReadOnlyList<string> objects, TimeProvider time, ILogger logger) : IConnector
{
    private readonly SalesforceRestClient _client = new(http, settings, time, logger);
    private readonly Dictionary<string, SalesforceObject> _described = new(StringComparer.OrdinalIgnoreCase);

    public async Task<ConnectionCheck> CheckConnectionAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var name in objects)
            {
                await DescribeAsync(name, cancellationToken);
            }

            return ConnectionCheck.Ok();
        }
        catch (Exception e) when (e is SalesforceException or SalesforceAuthenticationException or HttpRequestException or TimeoutRejectedException
            or TaskCanceledException { InnerException: TimeoutException })
        {
            return ConnectionCheck.Failed(e.Message);
        }
    }

    public Task<IReadOnlyList<ObjectDescriptor>> DiscoverAsync(CancellationToken cancellationToken) => Classified(async () =>
    {
        var descriptors = new List<ObjectDescriptor>();
        foreach (var name in objects)
        {
            var described = await DescribeAsync(name, cancellationToken);
            descriptors.Add(new ObjectDescriptor
            {
                Name = described.Name,
                Label = described.Label,
                Fields = [.. described.Fields.Select(f => new FieldDescriptor
                {
                    Name = f.Name,
                    Label = f.Label,
                    Type = TypeOf(f.Type),
                    IsRequired = f is { Nillable: false, Createable: true } && f.Type != "boolean",
                    IsReadOnly = !f.Updateable && !f.Createable,
                    // The record id keys writes too: WriteAsync updates by it (Salesforce does not upsert by Id).
                    IsExternalId = f.ExternalId || f.Type == "id",
                    IsCustom = f.Name.EndsWith("__c", StringComparison.Ordinal),
                    MaxLength = f.Length > 0 ? f.Length : null,
                })],
            });
        }

        return (IReadOnlyList<ObjectDescriptor>)descriptors;
    });

    public Task<ChangePage> ReadChangesAsync(ReadRequest request, CancellationToken cancellationToken) => Classified(async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var described = await DescribeAsync(request.ObjectName, cancellationToken);
        var page = await new SalesforceChangeReader(_client).ReadAsync(
            request.ObjectName, request.Fields, request.Cursor, request.PageSize, request.LookBack, cancellationToken);
        var records = page.Changes.Select(change => new RecordChange(
            change.Id,
            change.SystemModstamp,
            change.IsDeleted,
            change.Record.ToDictionary(p => p.Key, p => ToInvariant(described, p.Key, p.Value), StringComparer.Ordinal))).ToList();
        return new ChangePage(records, page.Cursor, page.HasMore);
    });

    public Task<IReadOnlyList<RecordResult>> WriteAsync(WriteRequest request, CancellationToken cancellationToken) => Classified(async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var described = await DescribeAsync(request.ObjectName, cancellationToken);
        var results = new RecordResult?[request.Records.Count];
        var accepted = new List<(int Index, JsonObject Record)>();
        for (var i = 0; i < request.Records.Count; i++)
        {
            var upsert = request.Records[i];
            var record = new JsonObject { [request.ExternalIdField] = upsert.ExternalId };
            string? refused = null;
            foreach (var (name, value) in upsert.Fields)
            {
                if (!TryToJson(described, name, value, out var json))
                {
                    refused = name;
                    break;
                }

                record[name] = json;
            }

            if (refused is not null)
            {
                results[i] = RecordResult.Failed(upsert.ExternalId, new RecordError(
                    "INVALID_VALUE", $"{refused}: not a valid {TypeOf(FieldOf(described, refused)!.Type)} value", Fields: [refused]));
            }
            else
            {
                accepted.Add((i, record));
            }
        }

        var written = await _client.UpsertAsync(request.ObjectName, request.ExternalIdField, [.. accepted.Select(a => a.Record)], cancellationToken);
        for (var n = 0; n < accepted.Count; n++)
        {
            results[accepted[n].Index] = Result(written[n]);
        }

        return (IReadOnlyList<RecordResult>)results.Select(r => r!).ToList();
    });

    public Task<IReadOnlyList<RecordResult>> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken) => Classified(async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var deleted = await _client.DeleteAsync(request.Ids, cancellationToken);
        return (IReadOnlyList<RecordResult>)deleted.Select(Result).ToList();
    });

    public ValueTask DisposeAsync()
    {
        http.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<SalesforceObject> DescribeAsync(string objectName, CancellationToken cancellationToken)
    {
        if (!_described.TryGetValue(objectName, out var described))
        {
            described = await _client.DescribeAsync(objectName, cancellationToken);
            _described[objectName] = described;
        }

        return described;
    }

    private static RecordResult Result(SalesforceWriteResult result)
    {
        var outcome = result.Outcome switch
        {
            WriteOutcome.Created => RecordOutcome.Created,
            WriteOutcome.Updated => RecordOutcome.Updated,
            WriteOutcome.Deleted => RecordOutcome.Deleted,
            WriteOutcome.NotFound => RecordOutcome.NotFound,
            _ => RecordOutcome.Failed,
        };
        var error = result.Errors.Count > 0
            ? new RecordError(result.Errors[0].Code, result.Errors[0].Message, result.Errors[0].Code is "UNABLE_TO_LOCK_ROW" or "BULK_UNPROCESSED", result.Errors[0].Fields)
            : null;
        return new RecordResult(result.Key, outcome, result.SalesforceId, outcome == RecordOutcome.Failed ? error : null);
    }

    /// <summary>Runs a call and turns Salesforce's failures into the kinds the host acts on.</summary>
    private static async Task<T> Classified<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (SalesforceRequestLimitExceededException e)
        {
            throw new ConnectorException(ConnectorErrorKind.RateLimited, e.Message, e);
        }
        catch (SalesforceAuthenticationException e)
        {
            throw new ConnectorException(ConnectorErrorKind.Unauthorized, e.Message, e);
        }
        catch (SalesforceBulkJobException e)
        {
            // InvalidBatch / InvalidJob: the data names a field or object the org does not have. Anything else (a
            // processing timeout after Salesforce's own retries) may pass when the host writes the batch again.
            var kind = e.ErrorMessage.StartsWith("InvalidBatch", StringComparison.OrdinalIgnoreCase) || e.ErrorMessage.StartsWith("InvalidJob", StringComparison.OrdinalIgnoreCase)
                ? ConnectorErrorKind.Configuration
                : e.State == "Aborted" ? ConnectorErrorKind.Permanent : ConnectorErrorKind.Transient;
            throw new ConnectorException(kind, e.Message, e);
        }
        catch (SalesforceException e)
        {
            var kind = e switch
            {
                { Status: >= HttpStatusCode.InternalServerError } or { Error.Code: "UNABLE_TO_LOCK_ROW" } => ConnectorErrorKind.Transient,
                { Status: HttpStatusCode.NotFound } or { Error.Code: "INVALID_FIELD" or "INVALID_TYPE" or "MALFORMED_QUERY" or "INVALIDJOB" } => ConnectorErrorKind.Configuration,
                _ => ConnectorErrorKind.Permanent,
            };
            throw new ConnectorException(kind, e.Message, e);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or TaskCanceledException { InnerException: TimeoutException })
        {
            throw new ConnectorException(ConnectorErrorKind.Transient, $"Salesforce did not answer: {e.Message}", e);
        }
    }

    private static SalesforceField? FieldOf(SalesforceObject described, string name) =>
        described.Fields.FirstOrDefault(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    private static FieldType TypeOf(string salesforceType) => salesforceType switch
    {
        "boolean" => FieldType.Boolean,
        "int" or "long" => FieldType.Integer,
        "double" or "currency" or "percent" => FieldType.Decimal,
        "date" => FieldType.Date,
        "datetime" => FieldType.DateTime,
        "email" => FieldType.Email,
        "phone" => FieldType.Phone,
        "picklist" or "multipicklist" => FieldType.Picklist,
        "id" or "reference" => FieldType.Reference,
        _ => FieldType.String,
    };

    /// <summary>A value read from Salesforce in the contract's invariant format (datetimes as yyyy-MM-ddTHH:mm:ss.fffZ).</summary>
    private static string? ToInvariant(SalesforceObject described, string field, JsonNode? value)
    {
        if (value is not JsonValue json)
        {
            return value?.ToJsonString();
        }

        return json.GetValueKind() switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => json.ToJsonString(),
            _ when FieldOf(described, field)?.Type == "datetime" => SalesforceJson.ParseDateTime(json.GetValue<string>())
                .ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            _ => json.GetValue<string>(),
        };
    }

    /// <summary>A contract value as Salesforce's JSON for the field's type; false when it is not a value of that type.</summary>
    private static bool TryToJson(SalesforceObject described, string field, string? value, out JsonNode? json)
    {
        json = null;
        if (value is null)
        {
            return true;
        }

        switch (FieldOf(described, field)?.Type)
        {
            case "boolean":
                json = bool.TryParse(value, out var flag) ? JsonValue.Create(flag) : null;
                return json is not null;
            case "int" or "long" or "double" or "currency" or "percent":
                json = decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
                    ? JsonValue.Create(number) : null;
                return json is not null;
            case "datetime":
                json = DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var moment)
                    ? JsonValue.Create(moment.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)) : null;
                return json is not null;
            default:
                // An unknown field goes through as text: Salesforce answers INVALID_FIELD, a configuration error.
                json = JsonValue.Create(value);
                return true;
        }
    }
}
