using System.Text.Json;

namespace Loyalty.Host.Admin.Gdpr;

// What the Consent module's API answers, as far as the screens show it (JSON names as the API writes them).
internal sealed record StepItem(string Kind, string Name, string Status, int Attempts, string? Error, JsonElement? Report, DateTimeOffset? CompletedAt)
{
    /// <summary>What a module erased and kept, or what each CRM connection answered; empty for other steps.</summary>
    public IReadOnlyList<string> Outcome()
    {
        if (Report is not { ValueKind: JsonValueKind.Object } report)
        {
            return [];
        }

        var lines = new List<string>();
        if (report.TryGetProperty("erased", out var erased) && erased.ValueKind == JsonValueKind.Array && erased.GetArrayLength() > 0)
        {
            lines.Add("+ " + string.Join(", ", erased.EnumerateArray().Select(e => e.GetString())));
        }

        if (report.TryGetProperty("retained", out var retained) && retained.ValueKind == JsonValueKind.Array)
        {
            lines.AddRange(retained.EnumerateArray().Select(r =>
                $"= {(r.TryGetProperty("what", out var what) ? what.GetString() : null)} ({(r.TryGetProperty("legalBasis", out var basis) ? basis.GetString() : null)})"));
        }

        // A recipient's detail names one outcome per CRM connection: "shop-crm: deleted; other-crm: not-held".
        if (report.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 } text)
        {
            lines.AddRange(text.Split("; ", StringSplitOptions.RemoveEmptyEntries));
        }

        return lines;
    }
}

internal sealed record ArchiveItem(Guid Id, long Size, DateTimeOffset CreatedAt, DateTimeOffset DeleteAfter, DateTimeOffset? LinkExpiresAt, DateTimeOffset? DownloadedAt, string? DownloadedBy, bool Deleted);

internal sealed record RequestItem(
    Guid Id, string Type, Guid? MemberId, string? SubjectContact, string Verification, DateTimeOffset ReceivedAt, DateOnly DueOn,
    DateOnly? ExtendedDueOn, string? ExtensionReason, DateOnly EffectiveDueOn, bool Overdue, bool DueSoon, string Status, string? RejectionReason,
    string? Assignee, string? Notes, string FiledBy, DateTimeOffset? CompletedAt, IReadOnlyList<StepItem>? Steps, ArchiveItem? Archive)
{
    public bool IsOpen => Status is not ("completed" or "rejected");

    public bool IsExport => Type is "access" or "portability";
}

internal sealed record AuditItem(DateTimeOffset OccurredAt, string Actor, string Action, string? Details);

internal sealed record ExportLinkItem(string Url, DateTimeOffset ExpiresAt);

internal static class GdprNames
{
    public static readonly string[] RequestTypes = ["access", "portability", "erasure", "rectification", "restriction", "objection"];

    /// <summary>A refusal of input the screen cannot send at all, shaped like the API's, so it shows at the field the same way.</summary>
    public static ApiAnswer Refused(string field, string reason) => new(System.Net.HttpStatusCode.BadRequest,
        JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["errors"] = new Dictionary<string, string[]> { [field] = [reason] } }));
}

internal sealed record RetentionPolicyItem(
    string Key, string Module, string Name, string Description, int PeriodDays, int DefaultPeriodDays, bool Enabled, bool IsDefault, DateTimeOffset? UpdatedAt, string? UpdatedBy);

internal sealed record RetentionDueItem(string Key, string Module, int PeriodDays, bool Enabled, DateTimeOffset Cutoff, int Due);

internal sealed record RetentionDryRunItem(DateTimeOffset AsOf, IReadOnlyList<RetentionDueItem> Categories);

internal sealed record ProgramOption(string Code, string Name);

internal sealed record PurposeVersionItem(int Version, bool MaterialChange, DateTimeOffset PublishedAt, string PublishedBy, IReadOnlyDictionary<string, string> Texts);

internal sealed record PurposeItem(string Key, string Name, string Description, int LatestVersion, int ValidFromVersion, DateTimeOffset CreatedAt, IReadOnlyList<PurposeVersionItem> Versions);
