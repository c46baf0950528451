using Microsoft.EntityFrameworkCore;

namespace Loyalty.Rewards.Vouchers;

/// <summary>Codes generated together for a campaign; the batch's code makes a repeated request answer the first one.</summary>
internal sealed class VoucherBatch
{
    public Guid Id { get; init; }

    public required string ProgramCode { get; init; }

    /// <summary>The caller's name for the batch, unique per program (<c>spring-2027</c>).</summary>
    public required string Code { get; init; }

    public int Count { get; init; }

    public bool HashOnly { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<VoucherBatch>(batch =>
    {
        batch.ToTable("VoucherBatches");
        batch.HasKey(b => b.Id);
        batch.Property(b => b.ProgramCode).HasMaxLength(50);
        batch.Property(b => b.Code).HasMaxLength(100);
        batch.HasIndex(b => new { b.ProgramCode, b.Code }).IsUnique();
    });
}
