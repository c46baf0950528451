namespace Loyalty.Consent;

/// <summary>Data subject request settings, section <c>Modules:Consent</c>.</summary>
internal sealed class ConsentOptions
{
    public const string Section = "Modules:Consent";

    /// <summary>Open requests due within this many days are flagged as due soon in the work queue.</summary>
    public int DueSoonDays { get; set; } = 7;

    /// <summary>Where encrypted export archives are written; empty means <c>exports</c> in the data directory.</summary>
    public string? ExportDirectory { get; set; }

    /// <summary>How long a download link is valid after it was created.</summary>
    public TimeSpan ExportLinkLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long an archive is kept, downloaded or not, before the retention job deletes it.</summary>
    public TimeSpan ExportRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// The secret of the suppression list's keyed hash (at least 32 characters). Required before the first erasure;
    /// changing it makes every existing entry unrecognisable.
    /// </summary>
    public string? SuppressionSecret { get; set; }

    /// <summary>
    /// The erasure journal's file; empty means <c>erasure-journal.ndjson</c> in the data directory. Keep it out of
    /// what a database restore brings back: after a restore, <c>replay-erasures</c> reads it.
    /// </summary>
    public string? ErasureJournal { get; set; }
}
