using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Rewards.PartnerCodes;

internal enum PartnerCodeStatus
{
    /// <summary>In the pool, waiting to be drawn.</summary>
    Available,

    /// <summary>Drawn by a redemption (pending or completed); a cancellation puts it back only if it was never revealed.</summary>
    Assigned,
}

/// <summary>
/// One code of a partner reward's pool, uploaded from the partner's CSV. Drawn by the redemption's reservation, in the
/// same transaction that takes the reward's stock item, so two redemptions never get the same code.
/// </summary>
internal sealed class PartnerCode
{
    public Guid Id { get; init; }

    public Guid RewardId { get; init; }

    /// <summary>The code; null once revealed when the reward keeps only hashes (<c>codeFormat.hashOnly</c>).</summary>
    public string? Code { get; set; }

    /// <summary>SHA-256 of the code as uploaded (trimmed, case kept): refuses the same code twice in a pool.</summary>
    public required string CodeHash { get; init; }

    public Guid UploadId { get; init; }

    public PartnerCodeStatus Status { get; set; }

    public Guid? RedemptionId { get; set; }

    public DateTimeOffset? AssignedAt { get; set; }

    /// <summary>When the member was first shown the code; from then on it is never given back to the pool.</summary>
    public DateTimeOffset? RevealedAt { get; set; }

    public static string Hash(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code)));

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PartnerCode>(code =>
        {
            code.ToTable("PartnerCodes");
            code.HasKey(c => c.Id);
            code.Property(c => c.Code).HasMaxLength(PartnerCodeFile.MaxCodeLength);
            code.Property(c => c.CodeHash).HasMaxLength(64).IsUnicode(false);
            code.HasIndex(c => new { c.RewardId, c.CodeHash }).IsUnique();
            code.HasIndex(c => new { c.RewardId, c.Status, c.Id });
            code.HasIndex(c => c.RedemptionId);
            code.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
        });
        modelBuilder.Entity<PartnerCodeUpload>(upload =>
        {
            upload.ToTable("PartnerCodeUploads");
            upload.HasKey(u => u.Id);
            upload.Property(u => u.Sha256).HasMaxLength(64).IsUnicode(false);
            upload.HasIndex(u => new { u.RewardId, u.Sha256 }).IsUnique();
            upload.Property(u => u.FileName).HasMaxLength(200);
        });
    }
}

/// <summary>One CSV file added to a pool; its SHA-256 makes uploading the same file again answer this upload.</summary>
internal sealed class PartnerCodeUpload
{
    public Guid Id { get; init; }

    public Guid RewardId { get; init; }

    public required string Sha256 { get; init; }

    public string? FileName { get; init; }

    public int Count { get; init; }

    public DateTimeOffset UploadedAt { get; init; }
}
