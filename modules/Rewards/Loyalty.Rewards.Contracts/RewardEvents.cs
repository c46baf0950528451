using Loyalty.Shared.Contracts;

namespace Loyalty.Rewards.Contracts;

/// <summary>A member redeemed a reward: the stock was taken and the points were spent.</summary>
public sealed record RewardRedeemed(
    Guid EventId, DateTimeOffset OccurredAt, string ProgramCode, Guid MemberId, Guid RewardId, Guid RedemptionId, string Kind, long Points, Guid? VoucherId)
    : IntegrationEvent(EventId, OccurredAt);

/// <summary>A completed redemption was cancelled: stock restored, voucher voided, points being refunded.</summary>
public sealed record RedemptionCancelled(
    Guid EventId, DateTimeOffset OccurredAt, string ProgramCode, Guid MemberId, Guid RewardId, Guid RedemptionId)
    : IntegrationEvent(EventId, OccurredAt);

/// <summary>A voucher was used at the point of sale; <see cref="Discount"/> is in the program currency's minor units.</summary>
public sealed record VoucherUsed(
    Guid EventId, DateTimeOffset OccurredAt, string ProgramCode, Guid VoucherId, Guid? MemberId, string ExternalId, long Discount)
    : IntegrationEvent(EventId, OccurredAt);

/// <summary>
/// A partner reward's code pool fell to or below its alert threshold. Published once per crossing: it is raised again
/// only after uploads or returned codes have brought the pool back above the threshold.
/// </summary>
public sealed record PartnerCodePoolLow(
    Guid EventId, DateTimeOffset OccurredAt, string ProgramCode, Guid RewardId, long Available, int Threshold)
    : IntegrationEvent(EventId, OccurredAt);

/// <summary>A voucher was issued to a member by another module's grant (<see cref="Reference"/> is the grant's id), not by a redemption.</summary>
public sealed record VoucherIssued(
    Guid EventId, DateTimeOffset OccurredAt, string ProgramCode, Guid MemberId, Guid VoucherId, Guid TemplateRewardId, string Reference)
    : IntegrationEvent(EventId, OccurredAt);
