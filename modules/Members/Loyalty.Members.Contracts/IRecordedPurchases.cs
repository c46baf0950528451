namespace Loyalty.Members.Contracts;

/// <summary>
/// Tells which purchases Members has recorded, by their external id. Earning rules reserve capped points before
/// Members commits a purchase, and ask this later to keep the reservations of recorded purchases and release the rest.
/// </summary>
public interface IRecordedPurchases
{
    /// <returns>The external ids of <paramref name="externalIds"/> recorded as purchases of the program.</returns>
    Task<IReadOnlySet<string>> RecordedAsync(Guid programId, IReadOnlyCollection<string> externalIds, CancellationToken cancellationToken);
}
