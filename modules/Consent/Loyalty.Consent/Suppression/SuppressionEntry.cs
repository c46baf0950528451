using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Suppression;

/// <summary>One identifier of an erased person, as a keyed hash: it tells a returning identifier, not who it was.</summary>
internal sealed class SuppressionEntry
{
    public Guid Id { get; init; }

    public Guid ProgramId { get; init; }

    /// <summary>HMAC-SHA256 (hex) of the identifier's kind and normalised value, see <see cref="SuppressionList"/>.</summary>
    public required string Hash { get; init; }

    /// <summary>The erasure request that added it.</summary>
    public Guid RequestId { get; init; }

    public DateTimeOffset AddedAt { get; init; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<SuppressionEntry>(entry =>
    {
        entry.ToTable("SuppressionEntries");
        entry.HasKey(e => e.Id);
        entry.Property(e => e.Hash).HasMaxLength(64);
        entry.HasIndex(e => new { e.ProgramId, e.Hash }).IsUnique();
    });
}
