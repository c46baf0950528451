using Loyalty.Consent.Exports;
using Loyalty.Shared.Http;

namespace Loyalty.Consent.Requests;

/// <summary>An admin filing a request on the data subject's behalf: the member, or the email or phone it came from.</summary>
internal sealed record FileRequest(string? Type, Guid? MemberId, string? Email, string? Phone, string? Verification, string? Notes);

/// <summary>The shop filing for a signed-in member.</summary>
internal sealed record FileMemberRequest(string? Type, string? Verification);

internal sealed record HandlingRequest(string? Assignee, string? Notes);

internal sealed record ChangeStatusRequest(string? Status, string? Reason);

internal sealed record ExtendRequest(int Months, string? Reason);

internal sealed record MatchSubjectRequest(Guid? MemberId);

internal sealed record StepDto(string Kind, string Name, string Status, int Attempts, string? Error, System.Text.Json.JsonElement? Report, DateTimeOffset? CompletedAt);

internal sealed record ArchiveDto(Guid Id, long Size, DateTimeOffset CreatedAt, DateTimeOffset DeleteAfter, DateTimeOffset? LinkExpiresAt, DateTimeOffset? DownloadedAt, string? DownloadedBy, bool Deleted);

internal sealed record RequestDto(
    Guid Id, string Type, Guid? MemberId, string? SubjectContact, string Verification, DateTimeOffset ReceivedAt, DateOnly DueOn,
    DateOnly? ExtendedDueOn, string? ExtensionReason, DateOnly EffectiveDueOn, bool Overdue, bool DueSoon, string Status, string? RejectionReason,
    string? Assignee, string? Notes, string FiledBy, DateTimeOffset? CompletedAt, IReadOnlyList<StepDto>? Steps, ArchiveDto? Archive)
{
    public static RequestDto From(DataSubjectRequest r, DateOnly today, int dueSoonDays, IReadOnlyList<RequestStep>? steps = null, ExportArchive? archive = null) => new(
        r.Id, Name(r.Type), r.MemberId, r.SubjectContact, r.Verification, r.ReceivedAt, r.DueOn, r.ExtendedDueOn, r.ExtensionReason, r.EffectiveDueOn,
        Overdue: r.IsOpen && today > r.EffectiveDueOn,
        DueSoon: r.IsOpen && today <= r.EffectiveDueOn && r.EffectiveDueOn.DayNumber - today.DayNumber <= dueSoonDays,
        Name(r.Status), r.RejectionReason, r.Assignee, r.Notes, r.FiledBy, r.CompletedAt,
        steps?.OrderBy(s => s.Kind).ThenBy(s => s.Name, StringComparer.Ordinal).Select(s => new StepDto(
            Name(s.Kind), s.Name, Name(s.Status), s.Attempts, s.Error,
            s.Report is null ? null : System.Text.Json.JsonDocument.Parse(s.Report).RootElement.Clone(), s.CompletedAt)).ToList(),
        archive is null ? null : new ArchiveDto(archive.Id, archive.Size, archive.CreatedAt, archive.DeleteAfter, archive.LinkExpiresAt, archive.DownloadedAt,
            archive.DownloadedBy, archive.DeletedAt is not null));

    /// <summary>An enum value as the API writes it: camelCase (<c>inProgress</c>, <c>notApplicable</c>).</summary>
    public static string Name<T>(T value)
        where T : struct, Enum => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    public static bool TryParse<T>(string? text, out T value)
        where T : struct, Enum
    {
        value = default;
        return text is not null && Enum.GetValues<T>().Any(v => Name(v) == text) && Enum.TryParse(text, ignoreCase: true, out value);
    }

    public static string Names<T>()
        where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(v => Name(v)));
}

internal sealed record RequestAuditEntryDto(DateTimeOffset OccurredAt, string Actor, string Action, string? Details);

internal sealed record ExportLinkDto(string Url, DateTimeOffset ExpiresAt);

internal static class RequestValidation
{
    public const int MaxText = 2000;

    public static ValidationErrors CheckText(this ValidationErrors errors, string? text, string field, bool required, int max = MaxText) =>
        errors.Check(!required || !string.IsNullOrWhiteSpace(text), field, "Required.")
            .Check(text is null || text.Length <= max, field, $"At most {max} characters.");
}
