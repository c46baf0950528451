namespace Loyalty.Members.Contracts;

/// <summary>Bulk import of a file on this machine, for the host's <c>import</c> verb.</summary>
public interface IMemberImports
{
    /// <summary>
    /// Imports <paramref name="filePath"/> into the program, in the foreground, reporting each committed batch. The
    /// same file again resumes its unfinished job from the checkpoint, or answers the completed one.
    /// </summary>
    /// <param name="kind"><c>members</c> or <c>transactions</c>.</param>
    /// <param name="format"><c>csv</c> or <c>ndjson</c>; null means by the file's extension.</param>
    Task<ImportRunResult> ImportFileAsync(
        string programCode, string kind, string filePath, string? format, Action<ImportProgress> onProgress, CancellationToken cancellationToken);
}

/// <summary>Where an import stands. <see cref="Status"/> is queued, running, completed, failed or cancelled.</summary>
public sealed record ImportProgress(
    Guid JobId,
    string Status,
    long RowsRead,
    long RowsSucceeded,
    long RowsSkipped,
    long RowsFailed,
    long CheckpointLine,
    long BytesDone,
    long BytesTotal,
    string? FailureReason);

/// <summary>
/// The outcome: <see cref="Error"/> when nothing could start (unknown program, no such file, bad options, the job is
/// running elsewhere); otherwise the job's end state and whether it had already completed before this run.
/// </summary>
public sealed record ImportRunResult(ImportProgress? Job, bool AlreadyCompleted, bool Resumed, string? Error);
