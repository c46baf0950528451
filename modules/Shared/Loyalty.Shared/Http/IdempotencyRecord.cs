using Microsoft.EntityFrameworkCore;

namespace Loyalty.Shared.Http;

public enum IdempotencyRecordStatus
{
    InProgress,
    Completed,
}

/// <summary>
/// One <c>Idempotency-Key</c> of one caller, kept in the schema of the module whose endpoint answered it:
/// first as a claim (<see cref="IdempotencyRecordStatus.InProgress"/>), then with the answer to replay.
/// </summary>
public sealed class IdempotencyRecord
{
    public required string Key { get; init; }

    /// <summary>The actor who sent the key (<c>apikey:pos</c>, <c>user:alice</c>); keys of different callers never meet.</summary>
    public required string Caller { get; init; }

    /// <summary>SHA-256 (hex) of method, path and body, so a key reused for another request is recognised.</summary>
    public required string RequestHash { get; set; }

    public IdempotencyRecordStatus Status { get; set; }

    public int? ResponseStatusCode { get; set; }

    public string? ResponseContentType { get; set; }

    /// <summary>The answer's body exactly as sent; it may hold what the answer held, such as a new API key.</summary>
    public byte[]? ResponseBody { get; set; }

    public string? Location { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    internal static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<IdempotencyRecord>(record =>
    {
        record.ToTable("IdempotencyRecords");
        record.HasKey(r => new { r.Key, r.Caller });
        // Visible ASCII only; non-Unicode keeps SQL Server's key within its 900-byte limit.
        record.Property(r => r.Key).HasMaxLength(255).IsUnicode(false);
        record.Property(r => r.Caller).HasMaxLength(200);
        record.Property(r => r.RequestHash).HasMaxLength(64).IsUnicode(false);
        record.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        record.Property(r => r.ResponseContentType).HasMaxLength(200);
        record.Property(r => r.Location).HasMaxLength(2000);
        record.HasIndex(r => r.ExpiresAt);
    });
}
