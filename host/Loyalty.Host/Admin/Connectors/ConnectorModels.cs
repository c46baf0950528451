using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Loyalty.Host.Admin.Connectors;

// What the Connectors API answers, as far as the screens show it (JSON names as the API writes them).
internal sealed record PluginView(string Folder, string? Id, string? Name, string? Version, string? SdkVersion, string Status, string? Error, IReadOnlyList<SettingView> Configuration);

internal sealed record SettingView(string Name, string? Type, bool Required, bool Secret, string? Description, string? Default, IReadOnlyList<string>? Choices);

internal sealed record ConnectionView(
    Guid Id, string Name, string ConnectorId, IReadOnlyDictionary<string, string?> Settings, IReadOnlyList<string> SecretsSet, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

internal sealed record TransformView(string? Kind, string? Format = null, IReadOnlyDictionary<string, string>? Table = null, string? Value = null);

internal sealed record MappingView(string? Direction, string? LoyaltyField, string? CrmField, IReadOnlyList<TransformView>? Transforms = null, string? Conflict = null);

internal sealed record SyncSetupView(
    string Program, string Object, string ExternalIdField, string RecordIdField, IReadOnlyList<MappingView> Mappings,
    int IntervalMinutes, int LookBackSeconds, int PageSize, string Erasure, bool FullLoadDone, DateTimeOffset? NextRunAt, int? CallsPerHour);

internal sealed record InboundCountsView(long Read, long Created, long Updated, long Skipped, long Failed, long Conflicts);

internal sealed record OutboundCountsView(long Sent, long Skipped, long Failed);

internal sealed record RunView(
    Guid Id, string Trigger, string Status, bool FullLoad, DateTimeOffset QueuedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, int Pages,
    InboundCountsView Inbound, OutboundCountsView Outbound, string? Error)
{
    public bool Unfinished => Status is "queued" or "running";
}

internal sealed record DeadLetterView(
    Guid Id, Guid RunId, string Direction, string RecordKey, Guid? MemberId, string ErrorCode, string ErrorMessage, int Attempts, string Status, DateTimeOffset CreatedAt);

internal static class ConnectorScreens
{
    public static readonly string[] Conflicts = ["crm-wins", "loyalty-wins", "most-recent-wins", "crm-wins-unless-blank"];

    public static string Time(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture) ?? "–";

    /// <summary>A posted form field of the current request (the screens' forms are plain posts; their fields depend on the connector).</summary>
    public static string? Form(this HttpContext? http, string name) =>
        http?.Request.HasFormContentType == true && http.Request.Form.TryGetValue(name, out var value) ? value.ToString() : null;

    /// <summary>The API's reasons for every field under <paramref name="prefix"/> (<c>mappings[2].transforms</c>), with the field named.</summary>
    public static IReadOnlyList<string> ErrorsUnder(this ApiAnswer? answer, string prefix) =>
        answer is { Succeeded: false, Body: { ValueKind: JsonValueKind.Object } body } && body.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
            ? errors.EnumerateObject().Where(e => e.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .SelectMany(e => e.Value.EnumerateArray().Select(r => $"{e.Name}: {r.GetString()}")).ToList()
            : [];

    /// <summary>The problem's title and detail, for a refusal that names no field.</summary>
    public static string? Problem(this ApiAnswer answer)
    {
        if (answer.Succeeded || answer.Body is not { ValueKind: JsonValueKind.Object } body)
        {
            return answer.Succeeded ? null : answer.Status.ToString();
        }

        var detail = body.TryGetProperty("detail", out var d) ? d.GetString() : null;
        return string.Join(": ", new[] { answer.Title, detail }.Where(t => !string.IsNullOrEmpty(t)));
    }
}
