using Microsoft.EntityFrameworkCore;

namespace Loyalty.Shared.Messaging;

public enum OutboxMessageStatus
{
    Pending,
    Delivered,
    DeadLettered,
}

/// <summary>An integration event waiting in its module's outbox, written in the same transaction as the state change.</summary>
public sealed class OutboxMessage
{
    public Guid Id { get; init; }

    /// <summary>The event's CLR type name, as the event registry knows it.</summary>
    public required string EventType { get; init; }

    public required string Payload { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    public OutboxMessageStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>A node that claimed the message holds it until then; a crashed node's claim simply runs out.</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    public string? LockedBy { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>The last failure: handler and exception type and message. Stored for admins, never logged.</summary>
    public string? LastError { get; set; }

    internal static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<OutboxMessage>(outbox =>
    {
        outbox.ToTable("OutboxMessages");
        outbox.HasKey(m => m.Id);
        outbox.Property(m => m.EventType).HasMaxLength(300);
        outbox.Property(m => m.Status).HasConversion<string>().HasMaxLength(20);
        outbox.Property(m => m.LockedBy).HasMaxLength(200);
        outbox.Property(m => m.LastError).HasMaxLength(4000);
        outbox.HasIndex(m => new { m.Status, m.NextAttemptAt });
    });
}

/// <summary>
/// Which events a handler of this module has already processed. Written in the handler's transaction,
/// so a redelivered event (at-least-once) changes nothing the second time.
/// </summary>
public sealed class InboxMessage
{
    public Guid EventId { get; init; }

    public required string Handler { get; init; }

    public DateTimeOffset ProcessedAt { get; init; }

    internal static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<InboxMessage>(inbox =>
    {
        inbox.ToTable("InboxMessages");
        inbox.HasKey(m => new { m.EventId, m.Handler });
        inbox.Property(m => m.Handler).HasMaxLength(300);
    });
}
