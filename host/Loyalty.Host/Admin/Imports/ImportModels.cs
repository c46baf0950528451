namespace Loyalty.Host.Admin.Imports;

/// <summary>An import job as <c>GET /api/members/programs/{program}/imports/{id}</c> answers it.</summary>
internal sealed record ImportJobView(
    Guid Id,
    string Kind,
    string Format,
    string FileName,
    long FileSize,
    string Status,
    long RowsRead,
    long RowsSucceeded,
    long RowsSkipped,
    long RowsFailed,
    int Percent,
    string? FailureReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt)
{
    /// <summary>Queued or running: the page reloads itself to follow it.</summary>
    public bool UnderWay => Status is "queued" or "running";
}

internal sealed record ImportJobPageView(List<ImportJobView> Items, Guid? Next);

internal sealed record ImportErrorView(Guid Id, long LineNumber, string Field, string Reason);

internal sealed record ImportErrorPageView(List<ImportErrorView> Items, Guid? Next);

internal static class ImportScreens
{
    public static string Escape(string programCode) => Uri.EscapeDataString(programCode);

    public static string Jobs(string programCode) => $"/api/members/programs/{Escape(programCode)}/imports";
}
