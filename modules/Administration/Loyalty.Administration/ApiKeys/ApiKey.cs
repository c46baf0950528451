using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Administration.ApiKeys;

/// <summary>
/// A bearer key for a machine client (POS, shop, CRM). Only its SHA-256 hash is stored: the key is 256 random bits,
/// so a fast hash is enough, and the clear key is shown once, when it is created.
/// </summary>
internal sealed class ApiKey
{
    private const string KeyPrefix = "lmk_";

    public Guid Id { get; init; }

    public required string Name { get; init; }

    /// <summary>The public part of the key, to find it without scanning hashes.</summary>
    public required string LookupId { get; init; }

    public required byte[] SecretHash { get; init; }

    public List<string> Roles { get; set; } = [];

    /// <summary>The program codes the key may act on; empty for every program (keys made before scopes existed).</summary>
    public List<string> Programs { get; set; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public required string CreatedBy { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public bool IsUsableAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);

    /// <summary>Makes a new key; returns the entity to store and the clear key to hand out once.</summary>
    public static (ApiKey Key, string ClearKey) Issue(string name, IEnumerable<string> roles, IEnumerable<string> programs, string createdBy, DateTimeOffset now, DateTimeOffset? expiresAt)
    {
        var lookupId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(now),
            Name = name,
            LookupId = lookupId,
            SecretHash = Hash(secret),
            Roles = [.. roles.Distinct()],
            Programs = [.. programs.Distinct()],
            CreatedAt = now,
            CreatedBy = createdBy,
            ExpiresAt = expiresAt,
        };
        return (key, $"{KeyPrefix}{lookupId}_{secret}");
    }

    /// <summary>Splits a presented key into its lookup id and secret; false when it is not shaped like one of ours.</summary>
    public static bool TryParse(string presented, out string lookupId, out string secret)
    {
        lookupId = secret = string.Empty;
        if (!presented.StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = presented[KeyPrefix.Length..].Split('_', 2);
        if (parts.Length != 2 || parts[0].Length != 12 || parts[1].Length == 0)
        {
            return false;
        }

        (lookupId, secret) = (parts[0], parts[1]);
        return true;
    }

    public bool Matches(string secret) => CryptographicOperations.FixedTimeEquals(SecretHash, Hash(secret));

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<ApiKey>(key =>
    {
        key.ToTable("ApiKeys");
        key.HasKey(k => k.Id);
        key.Property(k => k.Name).HasMaxLength(100);
        key.Property(k => k.LookupId).HasMaxLength(12);
        key.HasIndex(k => k.LookupId).IsUnique();
        key.Property(k => k.SecretHash).HasMaxLength(32);
        key.Property(k => k.CreatedBy).HasMaxLength(200);
    });
}
