namespace Loyalty.Rewards.Contracts;

/// <summary>
/// A member's redemptions and vouchers, newest first, for the staff's member page. Each read is recorded in the audit
/// log as an access to the member's personal data, by the signed-in person.
/// </summary>
public interface IMemberRewards
{
    Task<MemberRewards> OfMemberAsync(string programCode, Guid memberId, int take, CancellationToken cancellationToken);
}

public sealed record MemberRewards(IReadOnlyList<MemberRedemption> Redemptions, IReadOnlyList<MemberVoucher> Vouchers);

/// <param name="Status"><c>Pending</c>, <c>Completed</c>, <c>Failed</c> or <c>Cancelled</c>.</param>
/// <param name="Fulfilment">For physical items: <c>NotShipped</c>, <c>Shipped</c> or <c>Delivered</c>.</param>
public sealed record MemberRedemption(Guid Id, string RewardName, long Points, string Status, string? Fulfilment, DateTimeOffset ReservedAt);

/// <param name="CodeEnding">The last four characters of the code where it is kept: enough to tell vouchers apart on the phone, not to use one.</param>
/// <param name="State"><c>active</c>, <c>used</c>, <c>expired</c> or <c>voided</c>, as of now.</param>
public sealed record MemberVoucher(Guid Id, string? CodeEnding, string Kind, string State, int Uses, int MaxUses, DateTimeOffset IssuedAt, DateTimeOffset? ExpiresAt);
