namespace Loyalty.Members.Contracts;

/// <summary>
/// Spending and giving back points for another module (Rewards' redemptions). Each call is a Members transaction of
/// its own and idempotent on the caller's <c>reference</c> (its redemption id), so a caller that crashed between its
/// own commit and this call can simply call again, and a caller that gave up on an operation can
/// <see cref="RefundAsync"/> it whether or not the debit happened.
/// </summary>
public interface IMemberPoints
{
    /// <summary>The member's standing for deciding what they may redeem; null for an unknown program or member.</summary>
    Task<MemberStanding?> FindStandingAsync(string programCode, Guid memberId, CancellationToken cancellationToken);

    /// <summary>Spends <paramref name="points"/> once per reference; a repeat answers <see cref="PointsDebitOutcome.AlreadyDebited"/>.</summary>
    Task<PointsDebitResult> DebitAsync(string programCode, Guid memberId, long points, string reference, CancellationToken cancellationToken);

    /// <summary>The points the debit under the reference spent, or null when there was none (a read, for recovery).</summary>
    Task<long?> FindDebitAsync(string programCode, Guid memberId, string reference, CancellationToken cancellationToken);

    /// <summary>
    /// Gives back what the debit under the reference spent (a refund entry, once). Without a debit it voids the
    /// reference instead: a later <see cref="DebitAsync"/> with it is refused, so a late debit cannot follow a give-up.
    /// </summary>
    Task<PointsRefundResult> RefundAsync(string programCode, Guid memberId, string reference, CancellationToken cancellationToken);
}

/// <param name="Active">Only an active member may spend points.</param>
/// <param name="TierCode">The member's current tier, if any.</param>
/// <param name="TimeZone">The program's IANA time zone, for per-day and per-month limits.</param>
public sealed record MemberStanding(Guid ProgramId, Guid MemberId, bool Active, string? TierCode, long AvailablePoints, string TimeZone);

public enum PointsDebitOutcome
{
    Debited,
    AlreadyDebited,
    InsufficientPoints,
    MemberNotActive,
    UnknownMember,

    /// <summary>The reference was refunded or voided before: it can never be debited.</summary>
    Voided,
}

public sealed record PointsDebitResult(PointsDebitOutcome Outcome, long AvailableAfter);

public enum PointsRefundOutcome
{
    Refunded,
    AlreadyRefunded,

    /// <summary>There was no debit under the reference; now there never will be.</summary>
    Voided,
    UnknownMember,
}

public sealed record PointsRefundResult(PointsRefundOutcome Outcome, long Points);
