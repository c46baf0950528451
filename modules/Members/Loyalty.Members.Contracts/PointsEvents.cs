using Loyalty.Campaigns.Contracts;
using Loyalty.Shared.Contracts;

namespace Loyalty.Members.Contracts;

/// <summary>
/// Points were credited; <see cref="AvailableAt"/> is later than the event when they are held in the return window.
/// <see cref="Rules"/> are the earning rule versions that applied to a purchase (reference type <c>transaction</c>), as
/// the transaction keeps them; null when the base rate alone decided and for other credits.
/// </summary>
public sealed record PointsAccrued(
    Guid EventId, DateTimeOffset OccurredAt, Guid ProgramId, Guid MemberId, string Currency, long Points,
    string ReferenceType, string ReferenceId, DateTimeOffset AvailableAt, DateTimeOffset? ExpiresAt,
    IReadOnlyList<AppliedRule>? Rules = null)
    : IntegrationEvent(EventId, OccurredAt);

public sealed record PointsRedeemed(
    Guid EventId, DateTimeOffset OccurredAt, Guid ProgramId, Guid MemberId, string Currency, long Points,
    string ReferenceType, string ReferenceId, long AvailableAfter)
    : IntegrationEvent(EventId, OccurredAt);

public sealed record PointsReversed(
    Guid EventId, DateTimeOffset OccurredAt, Guid ProgramId, Guid MemberId, string Currency, long Points,
    string ReferenceType, string ReferenceId)
    : IntegrationEvent(EventId, OccurredAt);

public sealed record PointsExpired(
    Guid EventId, DateTimeOffset OccurredAt, Guid ProgramId, Guid MemberId, string Currency, long Points, Guid LotId)
    : IntegrationEvent(EventId, OccurredAt);

/// <summary>Points of a cancelled redemption were given back, as a new spendable lot.</summary>
public sealed record PointsRefunded(
    Guid EventId, DateTimeOffset OccurredAt, Guid ProgramId, Guid MemberId, string Currency, long Points,
    string ReferenceType, string ReferenceId, long AvailableAfter)
    : IntegrationEvent(EventId, OccurredAt);

/// <summary>
/// A purchase of an active member was recorded, whatever it earned (also nothing): <see cref="ExternalId"/> is the
/// shop's transaction id, <see cref="PurchasedAt"/> when it happened, <see cref="Store"/> where, if the shop said.
/// A purchase recorded again under the same external id is not announced again.
/// </summary>
public sealed record PurchaseRecorded(
    Guid EventId, DateTimeOffset OccurredAt, Guid ProgramId, Guid MemberId, string ExternalId, DateTimeOffset PurchasedAt,
    string Channel, string? Store, string Currency, long TotalMinor)
    : IntegrationEvent(EventId, OccurredAt);
