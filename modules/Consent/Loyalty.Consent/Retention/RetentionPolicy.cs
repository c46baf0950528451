using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Retention;

/// <summary>
/// The period the data protection officer set for one retention category on this installation, and whether the daily
/// job enforces it. A category without a row has its default period and is not enforced: nothing is deleted or
/// anonymised on an installation until its DPO turns a policy on.
/// </summary>
internal sealed class RetentionPolicy
{
    public required string Key { get; init; }

    public int PeriodDays { get; set; }

    public bool Enabled { get; set; }

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
