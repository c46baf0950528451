namespace Loyalty.Members.Import;

/// <summary>Bulk import settings, section <c>Modules:Members:Imports</c>.</summary>
internal sealed class ImportOptions
{
    public const string Section = "Modules:Members:Imports";

    /// <summary>Where uploads are stored while they are imported; empty means <c>imports</c> in the data directory.</summary>
    public string? Directory { get; set; }

    /// <summary>Rows committed together with the checkpoint in one database transaction.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How long a runner holds a job between batches; after that another runner (or a restarted node) resumes it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a node looks for queued jobs and jobs whose runner died.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest upload accepted.</summary>
    public long MaxUploadBytes { get; set; } = 10L * 1024 * 1024 * 1024;
}
