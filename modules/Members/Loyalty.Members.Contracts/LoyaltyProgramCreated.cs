using Loyalty.Shared.Contracts;

namespace Loyalty.Members.Contracts;

/// <summary>A loyalty program was set up; other modules prepare their per-program defaults.</summary>
public sealed record LoyaltyProgramCreated(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid ProgramId,
    string Code,
    string TimeZone,
    string Currency) : IntegrationEvent(EventId, OccurredAt);
