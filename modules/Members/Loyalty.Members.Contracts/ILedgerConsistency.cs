namespace Loyalty.Members.Contracts;

/// <summary>
/// Recomputes every points account from its ledger and compares it with the stored balances, which are kept in the
/// same transaction as each entry for speed. An empty answer means the ledger and the balances agree.
/// </summary>
public interface ILedgerConsistency
{
    /// <param name="programCode">One program, or null for all.</param>
    Task<IReadOnlyList<LedgerMismatch>> CheckAsync(string? programCode, CancellationToken cancellationToken);
}

/// <summary>An account whose stored balance differs from what its entries and lots say.</summary>
public sealed record LedgerMismatch(
    Guid AccountId,
    Guid MemberId,
    string Currency,
    long StoredAvailable,
    long StoredPending,
    long EntriesSum,
    long PendingLotsSum,
    string Problem);
