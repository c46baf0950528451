using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Restrictions;

internal enum MarkKind
{
    /// <summary>Art. 21: the member objected to direct marketing and profiling; absolute.</summary>
    Objection,

    /// <summary>Art. 18: no processing beyond storage until it is lifted.</summary>
    Restriction,
}

/// <summary>
/// A member marked by a carried-out objection or restriction request: the consent gate answers no, and the member is
/// among those other modules exclude. Lifting keeps the mark, with who lifted it, when and why.
/// </summary>
internal sealed class ProcessingMark
{
    public Guid Id { get; init; }

    public Guid ProgramId { get; init; }

    public Guid MemberId { get; init; }

    public MarkKind Kind { get; init; }

    /// <summary>The data subject request that was carried out.</summary>
    public Guid RequestId { get; init; }

    public DateTimeOffset MarkedAt { get; init; }

    public required string MarkedBy { get; init; }

    public DateTimeOffset? LiftedAt { get; set; }

    public string? LiftedBy { get; set; }

    public string? LiftReason { get; set; }

    public bool IsActive => LiftedAt is null;

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<ProcessingMark>(mark =>
    {
        mark.ToTable("ProcessingMarks");
        mark.HasKey(m => m.Id);
        mark.Property(m => m.Kind).HasConversion<string>().HasMaxLength(20);
        mark.Property(m => m.MarkedBy).HasMaxLength(200);
        mark.Property(m => m.LiftedBy).HasMaxLength(200);
        mark.Property(m => m.LiftReason).HasMaxLength(2000);
        mark.Ignore(m => m.IsActive);
        mark.HasIndex(m => new { m.MemberId, m.LiftedAt });
        mark.HasIndex(m => new { m.ProgramId, m.LiftedAt });
        mark.HasIndex(m => m.RequestId).IsUnique();
    });
}
