namespace Loyalty.Shared.Contracts;

/// <summary>
/// A fact one module publishes for others. Concrete events are sealed records named in the past tense
/// (<c>MemberEnrolled</c>), carrying primitives and DTOs only, so they serialize to the outbox and back.
/// </summary>
public abstract record IntegrationEvent
{
    protected IntegrationEvent(Guid eventId, DateTimeOffset occurredAt)
    {
        EventId = eventId;
        OccurredAt = occurredAt;
    }

    /// <summary>Unique per event; handlers deduplicate on it.</summary>
    public Guid EventId { get; init; }

    /// <summary>When the fact happened (UTC).</summary>
    public DateTimeOffset OccurredAt { get; init; }
}
