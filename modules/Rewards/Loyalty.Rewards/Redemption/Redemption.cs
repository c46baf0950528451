using Microsoft.EntityFrameworkCore;

namespace Loyalty.Rewards.Redemption;

internal enum RedemptionStatus
{
    /// <summary>Stock and limits are reserved; the points debit is under way (or was interrupted: the recovery job decides).</summary>
    Pending,
    Completed,

    /// <summary>Refused after the reservation (the debit was refused or never happened); the reservation was released.</summary>
    Failed,

    /// <summary>Stock restored and the voucher voided; the refund of the points is under way.</summary>
    Cancelling,
    Cancelled,
}

internal enum FulfilmentStatus
{
    NotShipped,
    Shipped,
    Delivered,
}

/// <summary>
/// A member's redemption of a reward. Its id is the reference of the points debit in Members, which makes the two
/// steps safe to repeat and lets the recovery job find out whether the debit happened.
/// </summary>
internal sealed class RewardRedemption
{
    public Guid Id { get; init; }

    public required string ProgramCode { get; init; }

    public Guid MemberId { get; init; }

    public Guid RewardId { get; init; }

    /// <summary>The caller's redemption id, unique per program; null when the caller sent none.</summary>
    public string? ExternalId { get; init; }

    public long Points { get; init; }

    public long CashCoPay { get; init; }

    public RedemptionStatus Status { get; set; }

    /// <summary>For a failed redemption: the problem's short name (<c>insufficient-points</c>), answered again on a repeat.</summary>
    public string? FailureReason { get; set; }

    /// <summary>The limit periods this redemption counts in (<c>lifetime</c>, <c>m:2026-11</c>, <c>d:2026-11-02</c>), released with it.</summary>
    public List<string> UsagePeriods { get; init; } = [];

    public bool StockTaken { get; init; }

    public Guid? VoucherId { get; set; }

    /// <summary>For a partner reward: the code drawn from its pool at the reservation.</summary>
    public Guid? PartnerCodeId { get; init; }

    /// <summary>Only for physical items.</summary>
    public FulfilmentStatus? Fulfilment { get; set; }

    public DateTimeOffset ReservedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; set; }

    public DateTimeOffset? CancelledAt { get; set; }

    /// <summary>Makes the request, a cancellation and the recovery job conflict instead of both moving the status.</summary>
    public int Version { get; set; }

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<RewardRedemption>(redemption =>
        {
            redemption.ToTable("Redemptions");
            redemption.HasKey(r => r.Id);
            redemption.Property(r => r.ProgramCode).HasMaxLength(50);
            redemption.Property(r => r.ExternalId).HasMaxLength(100);
            redemption.HasIndex(r => new { r.ProgramCode, r.ExternalId }).IsUnique();
            redemption.HasIndex(r => new { r.MemberId, r.ReservedAt });
            redemption.HasIndex(r => new { r.Status, r.ReservedAt });
            redemption.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
            redemption.Property(r => r.FailureReason).HasMaxLength(50);
            redemption.Property(r => r.Fulfilment).HasConversion<string>().HasMaxLength(20);
            redemption.Property(r => r.UsagePeriods).HasConversion(
                periods => string.Join(' ', periods),
                text => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList(),
                new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<List<string>>(
                    (a, b) => a!.SequenceEqual(b!), l => l.Aggregate(0, (h, p) => HashCode.Combine(h, p)), l => l.ToList()))
                .HasMaxLength(100);
            redemption.Property(r => r.Version).IsConcurrencyToken();
        });
        modelBuilder.Entity<RewardUsage>(usage =>
        {
            usage.ToTable("RewardUsages");
            usage.HasKey(u => new { u.RewardId, u.MemberId, u.Period });
            usage.Property(u => u.Period).HasMaxLength(20);
        });
    }
}

/// <summary>
/// How often a member redeemed a reward in one limit period. Counted up by a conditional update (<c>Count &lt; limit</c>),
/// so concurrent redemptions by one member cannot pass the limit together.
/// </summary>
internal sealed class RewardUsage
{
    public Guid RewardId { get; init; }

    public Guid MemberId { get; init; }

    public required string Period { get; init; }

    public int Count { get; set; }
}
