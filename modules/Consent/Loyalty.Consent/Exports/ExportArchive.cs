using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Exports;

/// <summary>A finished, encrypted export of a member's data, and its one-time download link.</summary>
internal sealed class ExportArchive
{
    public Guid Id { get; init; }

    public Guid RequestId { get; init; }

    /// <summary>The file's name in the exports folder.</summary>
    public required string FileName { get; init; }

    /// <summary>The archive's own AES key, protected by ASP.NET Core Data Protection (see ADR 0005).</summary>
    public required byte[] ProtectedKey { get; init; }

    public long Size { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the retention job deletes the file, downloaded or not.</summary>
    public DateTimeOffset DeleteAfter { get; init; }

    /// <summary>SHA-256 of the current link's token; the token itself is shown once.</summary>
    public string? LinkTokenHash { get; set; }

    public DateTimeOffset? LinkExpiresAt { get; set; }

    public DateTimeOffset? DownloadedAt { get; set; }

    public string? DownloadedBy { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<ExportArchive>(archive =>
    {
        archive.ToTable("ExportArchives");
        archive.HasKey(a => a.Id);
        archive.Property(a => a.FileName).HasMaxLength(200);
        archive.Property(a => a.LinkTokenHash).HasMaxLength(64);
        archive.Property(a => a.DownloadedBy).HasMaxLength(200);
        archive.HasIndex(a => a.RequestId);
        archive.HasIndex(a => a.LinkTokenHash).IsUnique();
        archive.HasIndex(a => a.DeleteAfter);
    });
}
