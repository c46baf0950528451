namespace Loyalty.Members.Contracts;

/// <summary>
/// A member's earlier purchases, as compact as the asker needs: the earning rules' behavioural conditions ask it, only
/// when an active rule needs it, while deciding a purchase. Each part costs one query on the member's purchases by time.
/// </summary>
public interface IPurchaseHistory
{
    Task<PurchaseHistory> OfMemberAsync(PurchaseHistoryQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// A page of the program's active members after <paramref name="after"/> (exclusive), in id order, each with when
    /// they enrolled and their purchases since <paramref name="since"/>, oldest first: two queries a page, for the
    /// scores Campaigns computes over a whole program.
    /// </summary>
    Task<IReadOnlyList<MemberPurchases>> OfActiveMembersAsync(Guid programId, Guid? after, int take, DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>An active member's purchases (returns are not purchases) since the time asked for.</summary>
public sealed record MemberPurchases(Guid MemberId, DateTimeOffset EnrolledAt, IReadOnlyList<PastPurchase> Purchases);

/// <summary>
/// Purchases of <see cref="MemberId"/> that occurred at or before <see cref="Before"/>, other than
/// <see cref="ExcludingExternalId"/> (the purchase being decided). <see cref="RecentSince"/> asks for those since then
/// one by one; <see cref="WithCount"/> for how many there are in all; <see cref="WithCategories"/> for every line
/// category they had.
/// </summary>
public sealed record PurchaseHistoryQuery(
    Guid ProgramId, Guid MemberId, string ExcludingExternalId, DateTimeOffset Before, DateTimeOffset? RecentSince, bool WithCount, bool WithCategories);

/// <summary>What was asked of <see cref="PurchaseHistoryQuery"/>; the parts not asked are empty or 0. Returns are not purchases.</summary>
public sealed record PurchaseHistory(int Count, IReadOnlyList<PastPurchase> Recent, IReadOnlySet<string> Categories)
{
    public static readonly PurchaseHistory None = new(0, [], new HashSet<string>());
}

/// <summary>An earlier purchase: when it occurred and its total in minor units.</summary>
public sealed record PastPurchase(DateTimeOffset OccurredAt, long TotalMinor);
