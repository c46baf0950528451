using Loyalty.Rewards.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Rewards.Vouchers;

internal enum VoucherBatchStatus
{
    Queued,
    Generating,
    Completed,
}

/// <summary>
/// Bearer codes generated together for a campaign, by <c>GenerateVoucherBatchesJob</c> in chunks. The row is also the
/// checkpoint: each chunk's vouchers commit together with <see cref="Generated"/>, so a stopped run is resumed after
/// the last committed chunk, without gaps or repeats. The batch's code makes a repeated request answer the first one.
/// </summary>
internal sealed class VoucherBatch
{
    public Guid Id { get; init; }

    public required string ProgramCode { get; init; }

    /// <summary>The caller's name for the batch, unique per program (<c>spring-2027</c>).</summary>
    public required string Code { get; init; }

    public int Count { get; init; }

    public VoucherCodeFormat CodeFormat { get; init; } = new();

    public RewardKind Kind { get; init; }

    public long? Value { get; init; }

    public decimal? Percent { get; init; }

    public long? MinimumSpend { get; init; }

    public string? ProductSku { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public int MaxUses { get; init; } = 1;

    public VoucherBatchStatus Status { get; set; }

    /// <summary>Codes committed so far; the next chunk starts after them.</summary>
    public int Generated { get; set; }

    /// <summary>The node generating the batch now; a chunk commits only while it still holds the lease.</summary>
    public string? LockedBy { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>For a <c>hashOnly</c> batch: when its codes were downloaded, the one time they are shown, and then dropped.</summary>
    public DateTimeOffset? CodesShownAt { get; set; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<VoucherBatch>(batch =>
    {
        batch.ToTable("VoucherBatches");
        batch.HasKey(b => b.Id);
        batch.Property(b => b.ProgramCode).HasMaxLength(50);
        batch.Property(b => b.Code).HasMaxLength(100);
        batch.HasIndex(b => new { b.ProgramCode, b.Code }).IsUnique();
        batch.OwnsOne(b => b.CodeFormat, VoucherCodeFormat.Configure);
        batch.Navigation(b => b.CodeFormat).IsRequired();
        batch.Property(b => b.Kind).HasConversion<string>().HasMaxLength(30);
        batch.Property(b => b.Percent).HasPrecision(5, 2);
        batch.Property(b => b.ProductSku).HasMaxLength(100);
        batch.Property(b => b.Status).HasConversion<string>().HasMaxLength(20);
        batch.Property(b => b.LockedBy).HasMaxLength(200);
        batch.HasIndex(b => b.Status);
    });
}
