using System.Globalization;
using System.Text.Json.Nodes;

namespace Loyalty.Testing.Salesforce;

/// <summary>The exact shapes Salesforce puts on the wire, so the fake answers like the real service.</summary>
public static class SalesforceWire
{
    public const string ContentType = "application/json;charset=UTF-8";

    /// <summary>Salesforce writes datetimes with milliseconds and an offset without a colon: 2017-04-25T16:21:44.000+0000.</summary>
    public static string FormatDateTime(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);

    /// <summary>A top-level error body: an array of {message, errorCode, fields}.</summary>
    public static JsonArray Errors(string errorCode, string message, params string[] fields) =>
    [
        new JsonObject
        {
            ["message"] = message,
            ["errorCode"] = errorCode,
            ["fields"] = new JsonArray([.. fields.Select(f => JsonValue.Create(f))]),
        },
    ];

    /// <summary>A per-record error inside a collection result: {statusCode, message, fields}.</summary>
    public static JsonObject RecordError(string statusCode, string message, params string[] fields) => new()
    {
        ["statusCode"] = statusCode,
        ["message"] = message,
        ["fields"] = new JsonArray([.. fields.Select(f => JsonValue.Create(f))]),
    };
}
