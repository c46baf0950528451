namespace Loyalty.Members.Contracts;

/// <summary>
/// A member's purchases and returns, newest first, for the staff's member page. Each read is recorded in the audit
/// log as an access to the member's personal data, by the signed-in person.
/// </summary>
public interface IMemberTransactions
{
    /// <param name="before">The cursor: the id of the last transaction of the previous page (answered as <see cref="MemberTransactionPage.Next"/>).</param>
    /// <returns>Null when the program or the member is unknown.</returns>
    Task<MemberTransactionPage?> PageAsync(string programCode, Guid memberId, Guid? before, int take, CancellationToken cancellationToken);
}

/// <param name="Next">The cursor of the next (older) page, or null on the last page.</param>
public sealed record MemberTransactionPage(IReadOnlyList<MemberTransaction> Items, Guid? Next);

/// <param name="Type"><c>Purchase</c> or <c>Return</c>.</param>
/// <param name="TotalMinor">The total in minor units of <see cref="Currency"/>.</param>
/// <param name="Points">Points credited, or taken back by a return (negative).</param>
public sealed record MemberTransaction(
    Guid Id, string ExternalId, string Type, DateTimeOffset OccurredAt, string Channel, string? Store, string Currency, long TotalMinor, long Points, int Lines);
