namespace Loyalty.Consent.Contracts;

/// <summary>
/// Runs again the erasures of the erasure journal that the database does not know as done, as after a restore of a
/// backup older than them (the host's <c>replay-erasures</c> command).
/// </summary>
public interface IErasureReplay
{
    /// <param name="journalPath">A journal file to read instead of the configured one (another node's, or a copy).</param>
    Task<ErasureReplayResult> ReplayAsync(string? journalPath, CancellationToken cancellationToken);
}

/// <param name="Entries">The erasure requests the journal names.</param>
/// <param name="AlreadyDone">Erasures the database records as completed.</param>
/// <param name="Replayed">Erasures run again and completed now.</param>
/// <param name="UnknownMembers">Erasures of members the database does not hold (enrolled after the backup): nothing to erase.</param>
/// <param name="Failed">Erasures run again that did not complete; their requests stay open for the retry job and the DPO.</param>
public sealed record ErasureReplayResult(string JournalPath, int Entries, int AlreadyDone, int Replayed, int UnknownMembers, int Failed);
