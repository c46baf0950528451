using Loyalty.Shared.Contracts;

namespace Loyalty.Members.Contracts;

/// <summary>
/// A member moved between tiers. <see cref="FromTier"/> is null when the member had no tier yet, <see cref="ToTier"/>
/// when they dropped below the lowest one. <see cref="Reason"/> is <c>Initial</c>, <c>Upgrade</c>, <c>Downgrade</c> or
/// <c>Manual</c>; <see cref="QualifyingValue"/> is what the decision was made on (points, or spend in minor units).
/// </summary>
public sealed record TierChanged(
    Guid EventId, DateTimeOffset OccurredAt, Guid ProgramId, Guid MemberId, string? FromTier, string? ToTier,
    string Reason, long QualifyingValue)
    : IntegrationEvent(EventId, OccurredAt);
