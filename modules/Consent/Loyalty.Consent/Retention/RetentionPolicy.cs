using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Retention;

/// <summary>
/// The period the data protection officer set for one retention category on this installation. A category without
/// a row keeps its default period.
/// </summary>
internal sealed class RetentionPolicy
{
    public required string Key { get; init; }

    public int PeriodDays { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<RetentionPolicy>(policy =>
    {
        policy.ToTable("RetentionPolicies");
        policy.HasKey(p => p.Key);
        policy.Property(p => p.Key).HasMaxLength(100);
        policy.Property(p => p.UpdatedBy).HasMaxLength(200);
    });
}
