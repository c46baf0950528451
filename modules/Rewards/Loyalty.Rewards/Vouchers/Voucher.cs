using Loyalty.Rewards.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Rewards.Vouchers;

internal enum VoucherStatus
{
    Active,

    /// <summary>Withdrawn, e.g. by cancelling the redemption that issued it: never valid again.</summary>
    Voided,
}

/// <summary>
/// A code a till accepts for a discount, a product or a value. Found by the hash of its code; the code itself is kept
/// only when the format allows it. Bound to one member, or a bearer code anyone may use.
/// </summary>
internal sealed class Voucher
{
    public Guid Id { get; init; }

    public required string ProgramCode { get; init; }

    /// <summary>The code as issued, or null when only its hash is kept.</summary>
    public string? Code { get; init; }

    public required string CodeHash { get; init; }

    public Guid? RewardId { get; init; }

    public Guid? RedemptionId { get; init; }

    public Guid? BatchId { get; init; }

    /// <summary>For a voucher issued by another module through <c>IVoucherIssuer</c>: the grant's reference, unique in the program.</summary>
    public string? IssueReference { get; init; }

    /// <summary>Only this member may use it; null for a bearer code.</summary>
    public Guid? MemberId { get; init; }

    public RewardKind Kind { get; init; }

    public long? Value { get; init; }

    public decimal? Percent { get; init; }

    public long? MinimumSpend { get; init; }

    public string? ProductSku { get; init; }

    public DateTimeOffset IssuedAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public int MaxUses { get; init; } = 1;

    /// <summary>Counted by a conditional update, so two tills can never use a single-use code twice.</summary>
    public int Uses { get; set; }

    public VoucherStatus Status { get; set; }

    /// <summary>What the voucher takes off <paramref name="basketTotal"/> (minor units); a free product takes nothing off the total here.</summary>
    public long DiscountOn(long basketTotal) => Kind switch
    {
        RewardKind.FreeProductVoucher => 0,
        _ when Percent is { } percent => (long)decimal.Floor(basketTotal * percent / 100m),
        _ => Math.Min(Value ?? 0, basketTotal),
    };

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Voucher>(voucher =>
        {
            voucher.ToTable("Vouchers");
            voucher.HasKey(v => v.Id);
            voucher.Property(v => v.ProgramCode).HasMaxLength(50);
            voucher.Property(v => v.Code).HasMaxLength(100);
            voucher.Property(v => v.CodeHash).HasMaxLength(64).IsUnicode(false);
            voucher.HasIndex(v => new { v.ProgramCode, v.CodeHash }).IsUnique();
            voucher.HasIndex(v => v.RedemptionId);
            voucher.HasIndex(v => v.BatchId);
            voucher.HasIndex(v => new { v.ProgramCode, v.MemberId });
            voucher.Property(v => v.IssueReference).HasMaxLength(VoucherIssuer.MaxReferenceLength);
            voucher.HasIndex(v => new { v.ProgramCode, v.IssueReference }).IsUnique();
            voucher.Property(v => v.Kind).HasConversion<string>().HasMaxLength(30);
            voucher.Property(v => v.Status).HasConversion<string>().HasMaxLength(20);
            voucher.Property(v => v.Percent).HasPrecision(5, 2);
            voucher.Property(v => v.ProductSku).HasMaxLength(100);
        });
        modelBuilder.Entity<VoucherUse>(use =>
        {
            use.ToTable("VoucherUses");
            use.HasKey(u => u.Id);
            use.Property(u => u.ExternalId).HasMaxLength(100);
            use.HasIndex(u => new { u.VoucherId, u.ExternalId }).IsUnique();
        });
    }
}

/// <summary>One use of a voucher at a till, under the till's transaction id, which makes a repeated redeem safe.</summary>
internal sealed class VoucherUse
{
    public Guid Id { get; init; }

    public Guid VoucherId { get; init; }

    public required string ExternalId { get; init; }

    public Guid? MemberId { get; init; }

    public long BasketTotal { get; init; }

    public long Discount { get; init; }

    public DateTimeOffset UsedAt { get; init; }
}
