using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Import;

internal enum ImportKind
{
    Members,
    Transactions,
}

internal enum ImportFormat
{
    Csv,
    Ndjson,
}

internal enum ImportStatus
{
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
}

/// <summary>
/// One file imported into one program. The row is also the progress report and the checkpoint: each batch of rows
/// commits together with the counters and <see cref="CheckpointLine"/>, so a killed import resumes after the last
/// committed batch. A file is one job per program and kind, found again by its SHA-256.
/// </summary>
internal sealed class ImportJob
{
    public Guid Id { get; init; }

    public Guid ProgramId { get; init; }

    public required string ProgramCode { get; init; }

    public ImportKind Kind { get; init; }

    public ImportFormat Format { get; init; }

    /// <summary>The name the file was given (no path), for people to recognise it.</summary>
    public required string FileName { get; init; }

    /// <summary>Where the file is read from: the upload in the imports folder, or the path given to the command.</summary>
    public required string FilePath { get; set; }

    public long FileSize { get; init; }

    /// <summary>Lower-case hex SHA-256 of the file's bytes.</summary>
    public required string Sha256 { get; init; }

    public ImportStatus Status { get; set; }

    public long RowsRead { get; set; }

    public long RowsSucceeded { get; set; }

    /// <summary>Rows that were already there (the same member or transaction), so nothing was written for them.</summary>
    public long RowsSkipped { get; set; }

    public long RowsFailed { get; set; }

    /// <summary>The last line of the last committed batch; a resumed run starts after it.</summary>
    public long CheckpointLine { get; set; }

    /// <summary>How far into the file the committed rows reach, for the percentage.</summary>
    public long BytesDone { get; set; }

    /// <summary>Why the whole job failed (a header problem, an unreadable file); never row data.</summary>
    public string? FailureReason { get; set; }

    /// <summary>Who runs the job now; a batch commits only while its runner still holds the lease.</summary>
    public string? LockedBy { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ImportJob>(job =>
        {
            job.ToTable("ImportJobs");
            job.HasKey(j => j.Id);
            job.Property(j => j.ProgramCode).HasMaxLength(50);
            job.Property(j => j.Kind).HasConversion<string>().HasMaxLength(20);
            job.Property(j => j.Format).HasConversion<string>().HasMaxLength(10);
            job.Property(j => j.Status).HasConversion<string>().HasMaxLength(20);
            job.Property(j => j.FileName).HasMaxLength(255);
            job.Property(j => j.FilePath).HasMaxLength(1000);
            job.Property(j => j.Sha256).HasMaxLength(64);
            job.Property(j => j.FailureReason).HasMaxLength(1000);
            job.Property(j => j.LockedBy).HasMaxLength(200);
            job.HasIndex(j => new { j.ProgramId, j.Kind, j.Sha256 }).IsUnique();
            job.HasIndex(j => j.Status);
        });
        modelBuilder.Entity<ImportRowError>(error =>
        {
            error.ToTable("ImportRowErrors");
            error.HasKey(e => e.Id);
            error.Property(e => e.Field).HasMaxLength(100);
            error.Property(e => e.Reason).HasMaxLength(500);
            error.HasIndex(e => new { e.JobId, e.LineNumber });
        });
    }
}

/// <summary>A bad row: where it is and what is wrong with it. Never the row's values, which are personal data.</summary>
internal sealed class ImportRowError
{
    public Guid Id { get; init; }

    public Guid JobId { get; init; }

    public long LineNumber { get; init; }

    public required string Field { get; init; }

    public required string Reason { get; init; }
}
