using System.Collections.Concurrent;
using System.Globalization;
using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Loyalty.Testing.Salesforce;

/// <summary>
/// A local Salesforce for tests: the OAuth token endpoint and the REST resources the connector uses, on Kestrel at
/// 127.0.0.1 and a port chosen at start, speaking Salesforce's wire format, with an in-memory Contact store and faults
/// that can be injected. The login host and the instance are the same server.
/// </summary>
public sealed partial class FakeSalesforce : IAsyncDisposable
{
    private const string OrgId = "00DFK0000000001AAA";
    private const string UserId = "005FK0000000001AAA";

    private readonly FakeSalesforceOptions _options;
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<FakeContact> _contacts = [];
    private readonly Dictionary<string, FakeContact> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<FakeContact>> _byExternalId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _sessions = new(StringComparer.Ordinal);

    // The refresh tokens accepted now: with rotation, each refresh replaces the one used.
    private readonly ConcurrentDictionary<string, bool> _refreshTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (JsonObject[] Rows, int BatchSize)> _cursors = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FakeFault> _faults = new();
    private readonly ConcurrentDictionary<string, bool> _lockOnNextWrite = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, bool> _refusedWrites = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, JsonObject> _editBeforeNextWrite = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly Random _random;
    private readonly DateTimeOffset _started;
    private readonly Dictionary<string, FakeField> _fieldsByName;
    private long _apiUsage;
    private long _idSequence;
    private long _cursorSequence;

    private FakeSalesforce(FakeSalesforceOptions options, WebApplication app)
    {
        _options = options;
        foreach (var token in options.RefreshTokens)
        {
            _refreshTokens[token] = true;
        }
        _app = app;
        _random = new Random(options.RandomSeed);
        _started = Now();
        _fieldsByName = AllFields().ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The login URL a client authenticates against (the same server).</summary>
    public string LoginUrl => BaseAddress.GetLeftPart(UriPartial.Authority);

    /// <summary>How long a request held up by <see cref="FakeFault.Slow"/> waits.</summary>
    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Data requests counted against the daily limit, as Sforce-Limit-Info reports them.</summary>
    public long ApiUsage => Interlocked.Read(ref _apiUsage);

    /// <summary>Every request served, as "METHOD /path?query", token requests included, in arrival order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public static async Task<FakeSalesforce> StartAsync(FakeSalesforceOptions? options = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeSalesforce(options ?? new FakeSalesforceOptions(), app);
        fake.Map();
        await app.StartAsync();
        fake.BaseAddress = new Uri(app.Urls.First());
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Creates a Contact directly in the store (no API call), e.g. as data that was in Salesforce before.</summary>
    public string Seed(JsonObject fields)
    {
        lock (_gate)
        {
            var contact = NewContact();
            Apply(contact, fields);
            return contact.Id;
        }
    }

    /// <summary>Someone edits the record in Salesforce: fields change and SystemModstamp moves.</summary>
    public void EditInSalesforce(string id, JsonObject fields)
    {
        lock (_gate)
        {
            var contact = _byId[id];
            Apply(contact, fields);
            contact.Touch(Now());
        }
    }

    /// <summary>Someone deletes the record in Salesforce: it goes to the recycle bin (IsDeleted, still visible to queryAll).</summary>
    public void DeleteInSalesforce(string id)
    {
        lock (_gate)
        {
            MarkDeleted(_byId[id]);
        }
    }

    public FakeContact? Find(string id)
    {
        lock (_gate)
        {
            return _byId.GetValueOrDefault(id);
        }
    }

    /// <summary>The live (not deleted) Contacts whose <paramref name="field"/> equals <paramref name="value"/>.</summary>
    public IReadOnlyList<FakeContact> FindBy(string field, string value)
    {
        lock (_gate)
        {
            return FieldOf(field) is { ExternalId: true }
                ? Matching(field, value)
                : [.. _contacts.Where(c => !c.IsDeleted && string.Equals(c[field], value, StringComparison.OrdinalIgnoreCase))];
        }
    }

    public IReadOnlyList<FakeContact> Contacts
    {
        get
        {
            lock (_gate)
            {
                return [.. _contacts];
            }
        }
    }

    /// <summary>The next <paramref name="times"/> data requests are answered with <paramref name="fault"/>.</summary>
    public void FailNext(FakeFault fault, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            _faults.Enqueue(fault);
        }
    }

    /// <summary>Forgets every query locator, as Salesforce does after some minutes: their nextRecordsUrl then answers INVALID_QUERY_LOCATOR.</summary>
    public void ExpireQueryLocators() => _cursors.Clear();

    /// <summary>Invalidates every session issued so far, as when sessions time out.</summary>
    public void ExpireAllSessions() => _sessions.Clear();

    /// <summary>The refresh tokens the token endpoint accepts now (with rotation, the latest one issued).</summary>
    public IReadOnlyCollection<string> RefreshTokens => [.. _refreshTokens.Keys];

    /// <summary>The next collection upsert of this external id fails for that record only with UNABLE_TO_LOCK_ROW.</summary>
    public void LockOnNextWrite(string externalId) => _lockOnNextWrite[externalId] = true;

    /// <summary>A validation rule in the org refuses every write of this external id (FIELD_CUSTOM_VALIDATION_EXCEPTION) until <see cref="AcceptWrites"/>.</summary>
    public void RefuseWrites(string externalId) => _refusedWrites[externalId] = true;

    public void AcceptWrites(string externalId) => _refusedWrites.TryRemove(externalId, out _);

    /// <summary>
    /// A record changed on both sides: just before the next write of this external id is applied, someone edits the
    /// record in Salesforce; the write then lands on top of that edit.
    /// </summary>
    public void EditBeforeNextWrite(string externalId, JsonObject fields) => _editBeforeNextWrite[externalId] = fields;

    private void Map()
    {
        _app.Use(async (context, next) =>
        {
            _requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
            if (context.Request.Path.StartsWithSegments("/services/data", StringComparison.Ordinal))
            {
                if (await RefuseDataRequestAsync(context))
                {
                    return;
                }
            }

            await next(context);
        });

        _app.MapPost("/services/oauth2/token", (Delegate)Token);
        var data = _app.MapGroup("/services/data/{version}");
        data.MapGet("/query", (HttpContext context, string version, string q) => Query(context, version, q, includeDeleted: false));
        data.MapGet("/queryAll", (HttpContext context, string version, string q) => Query(context, version, q, includeDeleted: true));
        data.MapGet("/query/{locator}", (string version, string locator) => QueryMore(version, locator));
        data.MapGet("/queryAll/{locator}", (string version, string locator) => QueryMore(version, locator));
        data.MapGet("/sobjects/{sobject}/describe", (string version, string sobject) => Describe(sobject));
        data.MapGet("/sobjects/{sobject}/deleted", (string sobject, string? start, string? end) => GetDeleted(sobject, start, end));
        data.MapMethods("/composite/sobjects/{sobject}/{externalIdField}", ["PATCH"], UpsertCollection);
        data.MapMethods("/composite/sobjects", ["PATCH"], (Delegate)UpdateCollection);
        data.MapMethods("/sobjects/{sobject}/{id}", ["PATCH"], UpdateOne);
        data.MapDelete("/composite/sobjects", (string? ids, bool? allOrNone) => DeleteCollection(ids, allOrNone ?? false));
        data.MapMethods("/sobjects/{sobject}/{externalIdField}/{value}", ["PATCH"], UpsertOne);
        data.MapDelete("/sobjects/{sobject}/{id}", (string sobject, string id) => DeleteOne(sobject, id));
        MapBulkIngest(data);
    }

    /// <summary>Counts the call, sets Sforce-Limit-Info and answers instead of the endpoint when a limit, a fault or the session says so.</summary>
    private async Task<bool> RefuseDataRequestAsync(HttpContext context)
    {
        var used = Interlocked.Increment(ref _apiUsage);
        context.Response.Headers["Sforce-Limit-Info"] = $"api-usage={used}/{_options.DailyApiLimit}";
        if (!VersionPattern().IsMatch((string?)context.Request.RouteValues["version"] ?? context.Request.Path.Value!.Split('/')[3]))
        {
            await WriteAsync(context, 404, SalesforceWire.Errors("NOT_FOUND", "The requested resource does not exist"));
            return true;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        var session = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : "";
        if (!_sessions.ContainsKey(session))
        {
            await WriteAsync(context, 401, SalesforceWire.Errors("INVALID_SESSION_ID", "Session expired or invalid"));
            return true;
        }

        if (used > _options.DailyApiLimit)
        {
            await WriteAsync(context, 403, SalesforceWire.Errors("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."));
            return true;
        }

        var randomFailure = false;
        if (_options.ServerErrorRate > 0)
        {
            lock (_random)
            {
                randomFailure = _random.NextDouble() < _options.ServerErrorRate;
            }
        }

        if (randomFailure || _faults.TryDequeue(out var fault) is var dequeued && dequeued && fault == FakeFault.ServerUnavailable)
        {
            await WriteAsync(context, 503, SalesforceWire.Errors("SERVER_UNAVAILABLE", "Server temporarily unavailable"));
            return true;
        }

        if (!dequeued)
        {
            return false;
        }

        switch (fault)
        {
            case FakeFault.ExpiredSession:
                _sessions.TryRemove(session, out _);
                await WriteAsync(context, 401, SalesforceWire.Errors("INVALID_SESSION_ID", "Session expired or invalid"));
                return true;
            case FakeFault.RequestLimitExceeded:
                await WriteAsync(context, 403, SalesforceWire.Errors("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."));
                return true;
            case FakeFault.UnableToLockRow:
                await WriteAsync(context, 400, SalesforceWire.Errors("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record"));
                return true;
            default:
                await Task.Delay(SlowDelay, context.RequestAborted);
                return false;
        }
    }

    private async Task<IResult> Token(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var grant = (string?)form["grant_type"];
        var accepted = grant switch
        {
            "client_credentials" => form["client_id"] == _options.ClientId && form["client_secret"] == _options.ClientSecret
                ? null : ("invalid_client", "invalid client credentials"),
            "urn:ietf:params:oauth:grant-type:jwt-bearer" => ValidateAssertion((string?)form["assertion"]),
            "refresh_token" => form["client_id"] == _options.ClientId && (string?)form["refresh_token"] is { } used && _refreshTokens.ContainsKey(used)
                ? null : ("invalid_grant", "expired access/refresh token"),
            _ => ("unsupported_grant_type", "grant type not supported"),
        };
        if (accepted is var (error, description))
        {
            return Json(400, new JsonObject { ["error"] = error, ["error_description"] = description });
        }

        var token = $"{OrgId[..15]}!{Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))}";
        _sessions[token] = true;
        string? rotated = null;
        if (grant == "refresh_token" && _options.RotateRefreshTokens && _refreshTokens.TryRemove((string)form["refresh_token"]!, out _))
        {
            rotated = $"5Aep861{Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))}";
            _refreshTokens[rotated] = true;
        }

        var id = $"{LoginUrl}/id/{OrgId}/{UserId}";
        var issuedAt = Now().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(_options.ClientSecret), Encoding.UTF8.GetBytes(id + issuedAt)));
        var answer = new JsonObject
        {
            ["access_token"] = token,
            ["instance_url"] = LoginUrl,
            ["id"] = id,
            ["token_type"] = "Bearer",
            ["issued_at"] = issuedAt,
            ["signature"] = signature,
        };
        if (rotated is not null)
        {
            answer["refresh_token"] = rotated;
        }

        return Json(200, answer);
    }

    private (string, string)? ValidateAssertion(string? assertion)
    {
        if (_options.JwtSigningKey is null || assertion is null)
        {
            return ("invalid_grant", "invalid assertion");
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = _options.ClientId,
            ValidAudiences = [LoginUrl, "https://login.salesforce.com", "https://test.salesforce.com"],
            IssuerSigningKey = new RsaSecurityKey(_options.JwtSigningKey),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            LifetimeValidator = (_, expires, _, _) => expires is { } e && e > Now().UtcDateTime,
        };
        try
        {
            var principal = new JwtSecurityTokenHandler { MapInboundClaims = false }.ValidateToken(assertion, parameters, out _);
            return principal.FindFirst("sub")?.Value == _options.Username ? null : ("invalid_grant", "user hasn't approved this consumer");
        }
        catch (SecurityTokenException)
        {
            return ("invalid_grant", "invalid assertion");
        }
        catch (ArgumentException)
        {
            return ("invalid_grant", "invalid assertion");
        }
    }

    private IResult Query(HttpContext context, string version, string q, bool includeDeleted)
    {
        Soql soql;
        try
        {
            soql = Soql.Parse(q);
        }
        catch (FormatException e)
        {
            return Json(400, SalesforceWire.Errors("MALFORMED_QUERY", e.Message));
        }

        if (!soql.ObjectName.Equals("Contact", StringComparison.OrdinalIgnoreCase))
        {
            return Json(400, SalesforceWire.Errors("INVALID_TYPE", $"sObject type '{soql.ObjectName}' is not supported."));
        }

        if (soql.Fields.Concat(soql.OrderBy.Select(o => o.Field)).FirstOrDefault(f => FieldOf(f) is null) is { } unknown)
        {
            return Json(400, SalesforceWire.Errors("INVALID_FIELD", $"No such column '{unknown}' on entity 'Contact'."));
        }

        JsonObject[] rows;
        lock (_gate)
        {
            IEnumerable<FakeContact> matches = _contacts.Where(c => (includeDeleted || !c.IsDeleted) && soql.Where(f => ValueOf(c, f)));
            if (soql.OrderBy.Count > 0)
            {
                // The sort keys are read once per record: a keyset page sorts every match, as often as pages are read.
                var ordered = matches.Select(c => (Contact: c, Keys: soql.OrderBy.Select(o => ValueOf(c, o.Field)).ToArray())).ToList();
                ordered.Sort((a, b) =>
                {
                    for (var k = 0; k < soql.OrderBy.Count; k++)
                    {
                        var order = Soql.Compare(a.Keys[k], b.Keys[k]);
                        if (order != 0)
                        {
                            return soql.OrderBy[k].Descending ? -order : order;
                        }
                    }

                    return 0;
                });
                matches = ordered.Select(o => o.Contact);
            }

            if (soql.Limit is { } limit)
            {
                matches = matches.Take(limit);
            }

            rows = [.. matches.Select(c => Row(c, soql.Fields, version))];
        }

        var batchSize = BatchSize(context.Request.Headers["Sforce-Query-Options"].ToString());
        var locator = $"01gFK{Interlocked.Increment(ref _cursorSequence):D10}";
        _cursors[locator] = (rows, batchSize);
        return Page(version, locator, rows, 0, batchSize);
    }

    private IResult QueryMore(string version, string locator)
    {
        var dash = locator.LastIndexOf('-');
        if (dash < 0 || !_cursors.TryGetValue(locator[..dash], out var query)
            || !int.TryParse(locator[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var offset) || offset > query.Rows.Length)
        {
            return Json(400, SalesforceWire.Errors("INVALID_QUERY_LOCATOR", "invalid query locator"));
        }

        // The query's batch size holds for its later pages too.
        return Page(version, locator[..dash], query.Rows, offset, query.BatchSize);
    }

    /// <summary>A page is at most the batch size asked for (200 to 2,000) and at most what this server serves.</summary>
    private IResult Page(string version, string locator, JsonObject[] rows, int offset, int batchSize)
    {
        var size = Math.Min(batchSize, _options.QueryPageSize);
        var end = Math.Min(rows.Length, offset + size);
        var body = new JsonObject
        {
            ["totalSize"] = rows.Length,
            ["done"] = end == rows.Length,
        };
        if (end < rows.Length)
        {
            body["nextRecordsUrl"] = $"/services/data/{version}/query/{locator}-{end}";
        }

        body["records"] = new JsonArray([.. rows[offset..end].Select(r => r.DeepClone())]);
        return Json(200, body);
    }

    private static int BatchSize(string queryOptions)
    {
        var match = BatchSizePattern().Match(queryOptions);
        return match.Success ? Math.Clamp(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), 200, 2000) : 2000;
    }

    private IResult Describe(string sobject)
    {
        if (!sobject.Equals("Contact", StringComparison.OrdinalIgnoreCase))
        {
            return Json(404, SalesforceWire.Errors("NOT_FOUND", "The requested resource does not exist"));
        }

        var fields = new JsonArray();
        foreach (var field in AllFields())
        {
            fields.Add(new JsonObject
            {
                ["name"] = field.Name,
                ["label"] = field.Name.Replace("__c", "", StringComparison.Ordinal).Replace('_', ' '),
                ["type"] = field.Type,
                ["length"] = field.Type is "string" or "email" or "phone" ? 255 : 0,
                ["custom"] = field.Name.EndsWith("__c", StringComparison.Ordinal),
                ["externalId"] = field.ExternalId,
                ["idLookup"] = field.ExternalId || field.Name is "Id" or "Email",
                ["unique"] = false,
                ["nillable"] = field.Nillable,
                ["createable"] = field.Updateable,
                ["updateable"] = field.Updateable,
            });
        }

        return Json(200, new JsonObject
        {
            ["name"] = "Contact",
            ["label"] = "Contact",
            ["keyPrefix"] = "003",
            ["createable"] = true,
            ["updateable"] = true,
            ["deletable"] = true,
            ["queryable"] = true,
            ["replicateable"] = true,
            ["fields"] = fields,
        });
    }

    private IResult GetDeleted(string sobject, string? start, string? end)
    {
        if (!sobject.Equals("Contact", StringComparison.OrdinalIgnoreCase))
        {
            return Json(404, SalesforceWire.Errors("NOT_FOUND", "The requested resource does not exist"));
        }

        if (!DateTimeOffset.TryParse(start, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var from)
            || !DateTimeOffset.TryParse(end, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var to))
        {
            return Json(400, SalesforceWire.Errors("MALFORMED_QUERY", "start and end are required"));
        }

        // Salesforce ignores the seconds of both bounds.
        from = TruncateToMinute(from);
        to = TruncateToMinute(to);
        if (from >= to)
        {
            return Json(400, SalesforceWire.Errors("INVALID_REPLICATION_DATE", "startDate must chronologically precede endDate by more than one minute"));
        }

        JsonArray deleted;
        lock (_gate)
        {
            deleted = [.. _contacts
                .Where(c => c.DeletedDate is { } d && d >= from && d < to)
                .Select(c => new JsonObject { ["id"] = c.Id, ["deletedDate"] = SalesforceWire.FormatDateTime(c.DeletedDate!.Value) })];
        }

        return Json(200, new JsonObject
        {
            ["deletedRecords"] = deleted,
            ["earliestDateAvailable"] = SalesforceWire.FormatDateTime(TruncateToMinute(_started)),
            ["latestDateCovered"] = SalesforceWire.FormatDateTime(to),
        });
    }

    private async Task<IResult> UpsertCollection(HttpContext context, string version, string sobject, string externalIdField)
    {
        if (!sobject.Equals("Contact", StringComparison.OrdinalIgnoreCase))
        {
            return Json(404, SalesforceWire.Errors("NOT_FOUND", "The requested resource does not exist"));
        }

        if (FieldOf(externalIdField) is not { ExternalId: true })
        {
            return Json(404, SalesforceWire.Errors("NOT_FOUND", $"Provided external ID field does not exist or is not accessible: {externalIdField}"));
        }

        if (await ReadJsonAsync(context) is not JsonObject body || body["records"] is not JsonArray records)
        {
            return Json(400, SalesforceWire.Errors("JSON_PARSER_ERROR", "The request body must be an object with a records array"));
        }

        if (records.Count > 200)
        {
            return Json(400, SalesforceWire.Errors("EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call"));
        }

        var allOrNone = body["allOrNone"]?.GetValue<bool>() ?? false;
        var items = records.Select(r => r as JsonObject).ToList();
        if (items.Any(r => r is null))
        {
            return Json(400, SalesforceWire.Errors("JSON_PARSER_ERROR", "every record must be an object"));
        }

        if (FirstProblem(items!) is { } problem)
        {
            return Json(400, problem);
        }

        var results = new JsonObject?[items.Count];
        lock (_gate)
        {
            var externalIds = items.Select(r => ExternalIdOf(r!, externalIdField)).ToList();
            var plans = new List<(int Index, FakeContact? Target, JsonObject Fields)>();
            for (var i = 0; i < items.Count; i++)
            {
                var externalId = externalIds[i];
                if (externalId is null)
                {
                    results[i] = Failed(SalesforceWire.RecordError("MISSING_ARGUMENT", $"{externalIdField} not specified", externalIdField));
                    continue;
                }

                if (externalIds.Count(e => string.Equals(e, externalId, StringComparison.OrdinalIgnoreCase)) > 1)
                {
                    results[i] = Failed(SalesforceWire.RecordError("DUPLICATE_EXTERNAL_ID", $"Duplicate external id specified: {externalId}", externalIdField));
                    continue;
                }

                var matches = Matching(externalIdField, externalId);
                if (matches.Count > 1)
                {
                    results[i] = Failed(SalesforceWire.RecordError("DUPLICATE_EXTERNAL_ID",
                        $"{externalIdField}: more than one record found for external id field: [{string.Join(", ", matches.Select(m => m.Id))}]", externalIdField));
                    continue;
                }

                if (_lockOnNextWrite.TryRemove(externalId, out _))
                {
                    results[i] = Failed(SalesforceWire.RecordError("UNABLE_TO_LOCK_ROW", $"unable to obtain exclusive access to this record or 1 records: {matches.FirstOrDefault()?.Id}"));
                    continue;
                }

                if (_refusedWrites.ContainsKey(externalId))
                {
                    results[i] = Failed(SalesforceWire.RecordError("FIELD_CUSTOM_VALIDATION_EXCEPTION", "Loyalty contacts need a reviewed consent: [Loyalty_Id__c]", externalIdField));
                    continue;
                }

                var target = matches.SingleOrDefault();
                if (RecordProblem(items[i]!, target) is { } error)
                {
                    results[i] = Failed(error);
                    continue;
                }

                plans.Add((i, target, items[i]!));
            }

            if (allOrNone && plans.Count < items.Count)
            {
                for (var i = 0; i < items.Count; i++)
                {
                    results[i] ??= Failed(SalesforceWire.RecordError("ALL_OR_NONE_OPERATION_ROLLED_BACK",
                        "Record rolled back because not all records were valid and the request was using AllOrNone header"));
                }
            }
            else
            {
                foreach (var (index, target, fields) in plans)
                {
                    var (contact, created) = Write(target, fields, externalIds[index]!);
                    results[index] = new JsonObject { ["id"] = contact.Id, ["success"] = true, ["errors"] = new JsonArray(), ["created"] = created };
                }
            }
        }

        return Json(200, new JsonArray([.. results]));
    }

    private async Task<IResult> UpsertOne(HttpContext context, string version, string sobject, string externalIdField, string value)
    {
        if (!sobject.Equals("Contact", StringComparison.OrdinalIgnoreCase))
        {
            return Json(404, SalesforceWire.Errors("NOT_FOUND", "The requested resource does not exist"));
        }

        if (FieldOf(externalIdField) is not { ExternalId: true })
        {
            return Json(404, SalesforceWire.Errors("NOT_FOUND", $"Provided external ID field does not exist or is not accessible: {externalIdField}"));
        }

        if (await ReadJsonAsync(context) is not JsonObject fields)
        {
            return Json(400, SalesforceWire.Errors("JSON_PARSER_ERROR", "The request body must be a JSON object"));
        }

        if (FirstProblem([fields]) is { } problem)
        {
            return Json(400, problem);
        }

        lock (_gate)
        {
            var matches = Matching(externalIdField, value);
            if (matches.Count > 1)
            {
                return Json(300, new JsonArray([.. matches.Select(m => JsonValue.Create($"/services/data/{version}/sobjects/Contact/{m.Id}"))]));
            }

            if (RecordProblem(fields, matches.SingleOrDefault()) is { } error)
            {
                return Json(400, SalesforceWire.Errors((string)error["statusCode"]!, (string)error["message"]!, [.. ((JsonArray)error["fields"]!).Select(f => (string)f!)]));
            }

            var (contact, created) = Write(matches.SingleOrDefault(), fields, value);
            var result = new JsonObject { ["id"] = contact.Id, ["success"] = true, ["errors"] = new JsonArray() };
            if (created)
            {
                context.Response.Headers.Location = $"/services/data/{version}/sobjects/Contact/{contact.Id}";
            }

            // Before API version 46.0 an update answered 204 without a body; since then 200 with created=false.
            var major = int.Parse(version[1..version.IndexOf('.', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            if (!created && major < 46)
            {
                return Results.StatusCode(204);
            }

            if (major >= 46)
            {
                result["created"] = created;
            }

            return Json(created ? 201 : 200, result);
        }
    }

    /// <summary>sObject Collections update: records by their own id (<c>attributes.type</c> and <c>id</c>), 200 a request; a missing record fails, nothing is created.</summary>
    private async Task<IResult> UpdateCollection(HttpContext context)
    {
        if (await ReadJsonAsync(context) is not JsonObject body || body["records"] is not JsonArray records || records.Any(r => r is not JsonObject))
        {
            return Json(400, SalesforceWire.Errors("JSON_PARSER_ERROR", "The request body must be an object with a records array of objects"));
        }

        if (records.Count > 200)
        {
            return Json(400, SalesforceWire.Errors("EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call"));
        }

        var items = records.Select(r => r!.AsObject()).ToList();
        if (items.Any(r => r["attributes"]?["type"] is null))
        {
            return Json(400, SalesforceWire.Errors("INVALID_TYPE", "Must send a concrete entity type."));
        }

        var fields = items.Select(WithoutId).ToList();
        if (FirstProblem(fields) is { } problem)
        {
            return Json(400, problem);
        }

        var allOrNone = body["allOrNone"]?.GetValue<bool>() ?? false;
        var results = new JsonObject?[items.Count];
        lock (_gate)
        {
            var plans = new List<(int Index, FakeContact Target)>();
            for (var i = 0; i < items.Count; i++)
            {
                var id = ExternalIdOf(items[i], "Id");
                if (UpdateProblem(id, fields[i]) is { } error)
                {
                    results[i] = id is null ? Failed(error) : FailedWithId(id, error);
                    continue;
                }

                plans.Add((i, _byId[id!]));
            }

            if (allOrNone && plans.Count < items.Count)
            {
                for (var i = 0; i < items.Count; i++)
                {
                    results[i] ??= Failed(SalesforceWire.RecordError("ALL_OR_NONE_OPERATION_ROLLED_BACK",
                        "Record rolled back because not all records were valid and the request was using AllOrNone header"));
                }
            }
            else
            {
                foreach (var (index, target) in plans)
                {
                    Update(target, fields[index]);
                    results[index] = new JsonObject { ["id"] = target.Id, ["success"] = true, ["errors"] = new JsonArray() };
                }
            }
        }

        return Json(200, new JsonArray([.. results]));
    }

    /// <summary>sObject Rows update: <c>PATCH /sobjects/Contact/{id}</c> answers 204 without a body.</summary>
    private async Task<IResult> UpdateOne(HttpContext context, string sobject, string id)
    {
        if (!sobject.Equals("Contact", StringComparison.OrdinalIgnoreCase))
        {
            return Json(404, SalesforceWire.Errors("NOT_FOUND", "The requested resource does not exist"));
        }

        if (await ReadJsonAsync(context) is not JsonObject fields)
        {
            return Json(400, SalesforceWire.Errors("JSON_PARSER_ERROR", "The request body must be a JSON object"));
        }

        if (FirstProblem([fields]) is { } problem)
        {
            return Json(400, problem);
        }

        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var target))
            {
                return Json(404, SalesforceWire.Errors("NOT_FOUND", "The requested resource does not exist"));
            }

            if (UpdateProblem(id, fields) is { } error)
            {
                return Json(400, SalesforceWire.Errors((string)error["statusCode"]!, (string)error["message"]!, [.. ((JsonArray)error["fields"]!).Select(f => (string)f!)]));
            }

            Update(target, fields);
            return Results.StatusCode(204);
        }
    }

    private JsonObject? UpdateProblem(string? id, JsonObject fields)
    {
        if (id is null)
        {
            return SalesforceWire.RecordError("MISSING_ARGUMENT", "Id not specified in an update call", "Id");
        }

        if (!_byId.TryGetValue(id, out var target))
        {
            return SalesforceWire.RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id");
        }

        if (target.IsDeleted)
        {
            return SalesforceWire.RecordError("ENTITY_IS_DELETED", "entity is deleted");
        }

        if (_lockOnNextWrite.TryRemove(id, out _) || (target["Loyalty_Id__c"] is { } key && _lockOnNextWrite.TryRemove(key, out _)))
        {
            return SalesforceWire.RecordError("UNABLE_TO_LOCK_ROW", $"unable to obtain exclusive access to this record or 1 records: {id}");
        }

        return RecordProblem(fields, target);
    }

    private void Update(FakeContact target, JsonObject fields)
    {
        if (_editBeforeNextWrite.TryRemove(target.Id, out var edit) || (target["Loyalty_Id__c"] is { } key && _editBeforeNextWrite.TryRemove(key, out edit)))
        {
            Apply(target, edit);
            target.Touch(Now());
        }

        Apply(target, fields);
        target.Touch(Now());
    }

    private static JsonObject WithoutId(JsonObject record)
    {
        var fields = new JsonObject();
        foreach (var (name, value) in record)
        {
            if (name != "attributes" && !name.Equals("Id", StringComparison.OrdinalIgnoreCase))
            {
                fields[name] = value?.DeepClone();
            }
        }

        return fields;
    }

    private IResult DeleteCollection(string? ids, bool allOrNone)
    {
        var list = (ids ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (list.Length == 0)
        {
            return Json(400, SalesforceWire.Errors("MISSING_ARGUMENT", "ids parameter is required"));
        }

        if (list.Length > 200)
        {
            return Json(400, SalesforceWire.Errors("EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call"));
        }

        lock (_gate)
        {
            var results = list.Select(id => _byId.TryGetValue(id, out var c)
                ? c.IsDeleted
                    ? FailedWithId(id, SalesforceWire.RecordError("ENTITY_IS_DELETED", "entity is deleted"))
                    : null
                : FailedWithId(id, SalesforceWire.RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id"))).ToArray();
            var failed = results.Any(r => r is not null);
            for (var i = 0; i < list.Length; i++)
            {
                if (results[i] is not null)
                {
                    continue;
                }

                if (allOrNone && failed)
                {
                    results[i] = FailedWithId(list[i], SalesforceWire.RecordError("ALL_OR_NONE_OPERATION_ROLLED_BACK",
                        "Record rolled back because not all records were valid and the request was using AllOrNone header"));
                    continue;
                }

                MarkDeleted(_byId[list[i]]);
                results[i] = new JsonObject { ["id"] = list[i], ["success"] = true, ["errors"] = new JsonArray() };
            }

            return Json(200, new JsonArray([.. results]));
        }
    }

    private IResult DeleteOne(string sobject, string id)
    {
        lock (_gate)
        {
            if (!sobject.Equals("Contact", StringComparison.OrdinalIgnoreCase) || !_byId.TryGetValue(id, out var contact))
            {
                return Json(404, SalesforceWire.Errors("NOT_FOUND", "The requested resource does not exist"));
            }

            if (contact.IsDeleted)
            {
                return Json(404, SalesforceWire.Errors("ENTITY_IS_DELETED", "entity is deleted"));
            }

            MarkDeleted(contact);
            return Results.StatusCode(204);
        }
    }

    private (FakeContact Contact, bool Created) Write(FakeContact? target, JsonObject fields, string externalId)
    {
        if (target is not null && _editBeforeNextWrite.TryRemove(externalId, out var edit))
        {
            Apply(target, edit);
            target.Touch(Now());
        }

        var created = target is null;
        var contact = target ?? NewContact();
        Apply(contact, fields);
        Set(contact, ExternalIdFieldOf(fields) ?? _options.CustomFields.First(f => f.ExternalId).Name, externalId);
        contact.Touch(Now());
        return (contact, created);
    }

    private string? ExternalIdFieldOf(JsonObject fields) =>
        fields.Select(p => p.Key).FirstOrDefault(k => FieldOf(k) is { ExternalId: true });

    private static string? ExternalIdOf(JsonObject record, string field) =>
        record.FirstOrDefault(p => p.Key.Equals(field, StringComparison.OrdinalIgnoreCase)).Value is JsonValue v
            ? v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString()
            : null;

    /// <summary>What Salesforce refuses for the whole request: unknown fields and values of the wrong JSON type.</summary>
    private JsonArray? FirstProblem(IEnumerable<JsonObject> records)
    {
        foreach (var (name, value) in records.SelectMany(r => r))
        {
            if (name == "attributes")
            {
                continue;
            }

            if (FieldOf(name) is not { } field)
            {
                return SalesforceWire.Errors("INVALID_FIELD", $"No such column '{name}' on sobject of type Contact", name);
            }

            var kind = value?.GetValueKind() ?? JsonValueKind.Null;
            var fits = kind == JsonValueKind.Null || field.Type switch
            {
                "double" or "currency" or "int" => kind == JsonValueKind.Number,
                "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
                _ => kind == JsonValueKind.String,
            };
            if (!fits)
            {
                return SalesforceWire.Errors("JSON_PARSER_ERROR", $"Cannot deserialize instance of {field.Type} from {kind} value", name);
            }
        }

        return null;
    }

    /// <summary>What Salesforce refuses for one record: read-only fields, a missing LastName, a malformed email or date.</summary>
    private JsonObject? RecordProblem(JsonObject record, FakeContact? target)
    {
        foreach (var (name, value) in record)
        {
            if (name == "attributes")
            {
                continue;
            }

            var field = FieldOf(name)!;
            if (!field.Updateable)
            {
                return SalesforceWire.RecordError("INVALID_FIELD_FOR_INSERT_UPDATE", $"Unable to create/update fields: {field.Name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.", field.Name);
            }

            var text = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
            if (field.Type == "email" && text is not null && !EmailPattern().IsMatch(text))
            {
                return SalesforceWire.RecordError("INVALID_EMAIL_ADDRESS", $"Email: invalid email address: {text}", field.Name);
            }

            if (field.Type == "date" && text is not null && !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                return SalesforceWire.RecordError("INVALID_TYPE_ON_FIELD_IN_RECORD", $"{field.Name}: value not of required type: {text}", field.Name);
            }
        }

        var lastName = record.FirstOrDefault(p => p.Key.Equals("LastName", StringComparison.OrdinalIgnoreCase));
        var blank = lastName.Key is null ? target?["LastName"] is null : string.IsNullOrWhiteSpace(lastName.Value?.ToString());
        return blank ? SalesforceWire.RecordError("REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]", "LastName") : null;
    }

    private void Apply(FakeContact contact, JsonObject fields)
    {
        foreach (var (name, value) in fields)
        {
            if (name != "attributes")
            {
                Set(contact, name, value?.DeepClone());
            }
        }
    }

    /// <summary>Sets a field, keeping the external id index (upserts look records up by it) current.</summary>
    private void Set(FakeContact contact, string name, JsonNode? value)
    {
        var externalId = FieldOf(name) is { ExternalId: true } field ? field.Name : null;
        if (externalId is not null && contact[externalId] is { } old)
        {
            _byExternalId[IndexKey(externalId, old)].Remove(contact);
        }

        contact.Fields[name] = value;
        if (externalId is not null && contact[externalId] is { } current)
        {
            var key = IndexKey(externalId, current);
            if (!_byExternalId.TryGetValue(key, out var list))
            {
                _byExternalId[key] = list = [];
            }

            list.Add(contact);
        }
    }

    /// <summary>The live records whose external id field holds the value; external ids match ignoring case, as in Salesforce.</summary>
    private List<FakeContact> Matching(string externalIdField, string value) =>
        _byExternalId.TryGetValue(IndexKey(FieldOf(externalIdField)!.Name, value), out var list) ? [.. list.Where(c => !c.IsDeleted)] : [];

    private static string IndexKey(string field, string value) => $"{field}\0{value.ToUpperInvariant()}";

    private FakeContact NewContact()
    {
        var id = $"003FK{Interlocked.Increment(ref _idSequence):D10}AAA";
        var contact = new FakeContact(id, Now());
        _contacts.Add(contact);
        _byId[id] = contact;
        return contact;
    }

    private void MarkDeleted(FakeContact contact)
    {
        contact.IsDeleted = true;
        contact.DeletedDate = Now();
        contact.SystemModstamp = contact.DeletedDate.Value;
    }

    private static readonly FakeField[] StandardFields =
    [
        new("Id", "id", Updateable: false, Nillable: false),
        new("IsDeleted", "boolean", Updateable: false, Nillable: false),
        new("FirstName", "string"),
        new("LastName", "string", Nillable: false),
        new("Name", "string", Updateable: false),
        new("Email", "email"),
        new("Phone", "phone"),
        new("MobilePhone", "phone"),
        new("Birthdate", "date"),
        new("MailingStreet", "textarea"),
        new("MailingCity", "string"),
        new("MailingPostalCode", "string"),
        new("MailingCountry", "string"),
        new("HasOptedOutOfEmail", "boolean"),
        new("CreatedDate", "datetime", Updateable: false, Nillable: false),
        new("LastModifiedDate", "datetime", Updateable: false, Nillable: false),
        new("SystemModstamp", "datetime", Updateable: false, Nillable: false),
    ];

    private IEnumerable<FakeField> AllFields() => StandardFields.Concat(_options.CustomFields);

    private FakeField? FieldOf(string name) => _fieldsByName.GetValueOrDefault(name);

    /// <summary>A field's value as SOQL compares it.</summary>
    private object? ValueOf(FakeContact contact, string name)
    {
        var field = FieldOf(name);
        switch (field?.Name)
        {
            case null:
                return null;
            case "Id":
                return contact.Id;
            case "IsDeleted":
                return contact.IsDeleted;
            case "CreatedDate":
                return contact.CreatedDate;
            case "LastModifiedDate":
                return contact.LastModifiedDate;
            case "SystemModstamp":
                return contact.SystemModstamp;
            case "Name":
                return string.Join(' ', new[] { contact["FirstName"], contact["LastName"] }.Where(p => p is not null));
        }

        var text = contact[field.Name];
        return text is null ? null
            : field.Type is "double" or "currency" or "int" ? decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)
            : field.Type == "boolean" ? bool.Parse(text)
            : text;
    }

    private JsonObject Row(FakeContact contact, IReadOnlyList<string> fields, string version)
    {
        var row = new JsonObject
        {
            ["attributes"] = new JsonObject { ["type"] = "Contact", ["url"] = $"/services/data/{version}/sobjects/Contact/{contact.Id}" },
        };
        foreach (var name in fields)
        {
            var field = FieldOf(name)!;
            row[field.Name] = ValueOf(contact, name) switch
            {
                null => null,
                DateTimeOffset time => SalesforceWire.FormatDateTime(time),
                bool flag => flag,
                _ when field.Type is "double" or "currency" or "int" or "boolean" => contact.Fields[field.Name]?.DeepClone(),
                var other => (string)other,
            };
        }

        return row;
    }

    private DateTimeOffset Now()
    {
        var now = _options.TimeProvider.GetUtcNow();
        return new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }

    private static DateTimeOffset TruncateToMinute(DateTimeOffset value) =>
        new(value.UtcTicks - value.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

    private static JsonObject Failed(JsonObject error) =>
        new() { ["success"] = false, ["errors"] = new JsonArray(error) };

    private static JsonObject FailedWithId(string id, JsonObject error) =>
        new() { ["id"] = id, ["success"] = false, ["errors"] = new JsonArray(error) };

    private static async Task<JsonNode?> ReadJsonAsync(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult Json(int status, JsonNode body) =>
        Results.Text(body.ToJsonString(), SalesforceWire.ContentType, Encoding.UTF8, status);

    private static Task WriteAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = SalesforceWire.ContentType;
        return context.Response.WriteAsync(body.ToJsonString());
    }

    [GeneratedRegex(@"^v\d+\.\d$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"batchSize=(\d+)")]
    private static partial Regex BatchSizePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}
