using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Loyalty.Connectors.Salesforce;

internal static class SalesforceJson
{
    /// <summary>Salesforce writes 2017-04-25T16:21:44.000+0000: the offset has no colon, which DateTimeOffset.Parse refuses.</summary>
    public static DateTimeOffset ParseDateTime(string text)
    {
        var offsetAt = text.Length - 5;
        if (offsetAt > 0 && text[offsetAt] is '+' or '-' && text[(offsetAt + 1)..].All(char.IsAsciiDigit))
        {
            text = string.Concat(text.AsSpan(0, offsetAt + 3), ":", text.AsSpan(offsetAt + 3));
        }

        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    /// <summary>A SOQL datetime literal. Salesforce keeps datetimes to the second, so no fraction is needed.</summary>
    public static string SoqlDateTime(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A SOQL string literal with quotes and backslashes escaped.</summary>
    public static string SoqlString(string value) =>
        $"'{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}'";

    /// <summary>The first entry of a top-level error array, or a stand-in when the body is not one.</summary>
    public static SalesforceError FirstError(HttpStatusCode status, string body)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonArray { Count: > 0 } errors && errors[0] is JsonObject first)
            {
                return Error(first, "errorCode");
            }
        }
        catch (JsonException)
        {
        }

        return new SalesforceError($"HTTP_{(int)status}", "the response carried no Salesforce error array", []);
    }

    /// <summary>An error entry; per-record results name the code statusCode, top-level arrays errorCode.</summary>
    public static SalesforceError Error(JsonObject error, string codeProperty) => new(
        (string?)error[codeProperty] ?? "UNKNOWN",
        WithoutValue((string?)error["message"] ?? ""),
        error["fields"] is JsonArray fields ? [.. fields.Select(f => (string?)f ?? "")] : []);

    /// <summary>
    /// A bulk result's sf__Error, "CODE:message:Field1,Field2 --" (the fields part may be empty, "CODE:message:--").
    /// The message itself holds ": ", so the fields are what follows the last colon not followed by a space.
    /// </summary>
    public static SalesforceError BulkError(string text)
    {
        var body = text.EndsWith("--", StringComparison.Ordinal) ? text[..^2].TrimEnd() : text;
        var colon = body.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return new SalesforceError(body.Length > 0 ? body : "UNKNOWN", "", []);
        }

        var rest = body[(colon + 1)..];
        var last = rest.LastIndexOf(':');
        var (message, fields) = last >= 0 && (last == rest.Length - 1 || rest[last + 1] != ' ')
            ? (rest[..last], rest[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            : (rest, []);
        return new SalesforceError(body[..colon], WithoutValue(message), fields);
    }

    /// <summary>
    /// Salesforce echoes the refused value after a second colon ("Email: invalid email address: a@b",
    /// "Last Name: data value too large: …"); admins see and logs keep these messages, so the value is cut off.
    /// </summary>
    private static string WithoutValue(string message)
    {
        var first = message.IndexOf(": ", StringComparison.Ordinal);
        var second = first < 0 ? -1 : message.IndexOf(": ", first + 2, StringComparison.Ordinal);
        return second < 0 ? message : message[..second];
    }
}
