using Microsoft.EntityFrameworkCore;

namespace Loyalty.Shared.Auditing;

/// <summary>
/// Who changed what, kept in the changing module's schema and written in the same transaction as the change.
/// Details name entities by id; they never copy personal data.
/// </summary>
public sealed class AuditEntry
{
    public Guid Id { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    /// <summary><c>user:alice</c>, <c>apikey:pos-gateway</c> or <c>system</c>.</summary>
    public required string Actor { get; init; }

    /// <summary>What was done, as <c>{module}.{entity}.{verb}</c>: <c>members.program.created</c>.</summary>
    public required string Action { get; init; }

    public required string EntityType { get; init; }

    public required string EntityId { get; init; }

    /// <summary>Optional JSON with the changed fields (ids and settings, not personal data).</summary>
    public string? Details { get; init; }

    internal static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<AuditEntry>(audit =>
    {
        audit.ToTable("AuditEntries");
        audit.HasKey(a => a.Id);
        audit.Property(a => a.Actor).HasMaxLength(200);
        audit.Property(a => a.Action).HasMaxLength(200);
        audit.Property(a => a.EntityType).HasMaxLength(100);
        audit.Property(a => a.EntityId).HasMaxLength(100);
        audit.HasIndex(a => a.OccurredAt);
    });
}
