using Loyalty.Members.Contracts;
using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;

namespace Loyalty.Members.Import;

/// <summary>The <c>import</c> verb's way in: the job of the file, run in the foreground by this process.</summary>
internal sealed class MemberImports(MembersDbContext db, ImportJobs jobs, ImportEngine engine) : IMemberImports
{
    public async Task<ImportRunResult> ImportFileAsync(
        string programCode, string kind, string filePath, string? format, Action<ImportProgress> onProgress, CancellationToken cancellationToken)
    {
        if (!Enum.TryParse<ImportKind>(kind, ignoreCase: true, out var parsedKind) || !Enum.IsDefined(parsedKind))
        {
            return Refused("--kind: Use members or transactions.");
        }

        var parsedFormat = ImportFile.FormatOf(format, filePath);
        if (parsedFormat is null)
        {
            return Refused("--format: Use csv or ndjson (or name the file .csv or .ndjson).");
        }

        if (!File.Exists(filePath))
        {
            return Refused("--file: There is no such file.");
        }

        var program = await db.FindProgramAsync(programCode, cancellationToken);
        if (program is null)
        {
            return Refused($"--program: There is no program '{programCode}'.");
        }

        var path = Path.GetFullPath(filePath);
        var (size, sha256) = await ImportFile.HashAsync(path, cancellationToken);
        var (job, created) = await jobs.QueueAsync(program, parsedKind, parsedFormat.Value, Path.GetFileName(path), path, size, sha256, cancellationToken);
        if (job.Status == ImportStatus.Completed)
        {
            return new ImportRunResult(ToProgress(job), AlreadyCompleted: true, Resumed: false, null);
        }

        var runner = ImportEngine.NewRunnerId();
        if (!await engine.TryClaimAsync(job.Id, runner, cancellationToken))
        {
            return Refused($"Import {job.Id} of this file is running elsewhere; try again when it has finished or after its lease ({job.LockedUntil:O}).");
        }

        var finished = await engine.RunAsync(job.Id, runner, batch => onProgress(ToProgress(batch)), cancellationToken);
        return new ImportRunResult(ToProgress(finished), AlreadyCompleted: false, Resumed: !created && job.CheckpointLine > 0, null);
    }

    private static ImportRunResult Refused(string error) => new(null, false, false, error);

    private static ImportProgress ToProgress(ImportJob j) => new(
        j.Id, j.Status.ToString().ToLowerInvariant(), j.RowsRead, j.RowsSucceeded, j.RowsSkipped, j.RowsFailed, j.CheckpointLine, j.BytesDone, j.FileSize, j.FailureReason);
}
