using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.Activities;

/// <summary>
/// An activity the platform fired itself (an enrolment), queued for <see cref="Jobs.RecordPendingActivitiesJob"/>.
/// Recording one reserves capped points and credits Members in transactions of their own, which cannot run inside
/// the outbox dispatcher's transaction that delivers the event; the queue row is written in that transaction instead.
/// </summary>
internal sealed class PendingActivity
{
    public Guid Id { get; init; }

    public required string Program { get; init; }

    public required string ExternalId { get; init; }

    public Guid MemberId { get; init; }

    public required string Type { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    public DateTimeOffset QueuedAt { get; init; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<PendingActivity>(pending =>
    {
        pending.ToTable("PendingActivities");
        pending.HasKey(p => p.Id);
        pending.Property(p => p.Program).HasMaxLength(50);
        pending.Property(p => p.ExternalId).HasMaxLength(ActivityRecord.MaxExternalIdLength);
        pending.Property(p => p.Type).HasMaxLength(50);
        pending.HasIndex(p => new { p.Program, p.ExternalId }).IsUnique();
        pending.HasIndex(p => p.QueuedAt);
    });
}
