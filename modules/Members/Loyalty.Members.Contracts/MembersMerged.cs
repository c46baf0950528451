using Loyalty.Shared.Contracts;

namespace Loyalty.Members.Contracts;

/// <summary>
/// A duplicate member was merged into a survivor: its identifiers, points and history now belong to the survivor,
/// and the duplicate's id only points there. Handlers holding data by member id re-key it to the survivor.
/// </summary>
public sealed record MembersMerged(
    Guid EventId, DateTimeOffset OccurredAt, Guid ProgramId, Guid SurvivorId, Guid DuplicateId)
    : IntegrationEvent(EventId, OccurredAt);
