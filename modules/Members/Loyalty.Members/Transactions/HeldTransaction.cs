using Loyalty.Members.Enrollment;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Transactions;

/// <summary>
/// A purchase for a card or external id that no member had when it arrived, kept as received for the program's
/// retro-claim window: a member who enrols with that identifier in time gets it credited, as if it came then.
/// </summary>
internal sealed class HeldTransaction
{
    public Guid Id { get; init; }

    public Guid ProgramId { get; init; }

    public required string ExternalId { get; init; }

    public IdentifierKind IdentifierKind { get; init; }

    public required string IdentifierValue { get; init; }

    /// <summary>The request as JSON, replayed through the normal path when the member enrols.</summary>
    public required string Request { get; init; }

    public required string RequestHash { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    public DateTimeOffset HeldAt { get; init; }

    /// <summary>After this, the purchase can no longer be claimed, and a daily job deletes it.</summary>
    public DateTimeOffset ClaimableUntil { get; init; }

    public Guid? ClaimedByMemberId { get; set; }

    public DateTimeOffset? ClaimedAt { get; set; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<HeldTransaction>(held =>
    {
        held.ToTable("HeldTransactions");
        held.HasKey(h => h.Id);
        held.Property(h => h.ExternalId).HasMaxLength(100);
        held.HasIndex(h => new { h.ProgramId, h.ExternalId }).IsUnique();
        held.Property(h => h.IdentifierKind).HasConversion<string>().HasMaxLength(20);
        held.Property(h => h.IdentifierValue).HasMaxLength(100);
        held.HasIndex(h => new { h.ProgramId, h.IdentifierKind, h.IdentifierValue });
        held.Property(h => h.RequestHash).HasMaxLength(64);
        held.HasIndex(h => h.ClaimableUntil);
    });
}
