using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.Referrals;

/// <summary>A member's referral code: short, random, without look-alike characters, unique in the program.</summary>
internal sealed class ReferralCode
{
    /// <summary>Digits and capitals without the look-alikes 0/O, 1/I/L (the voucher alphabet): 31 characters.</summary>
    public const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

    /// <summary>8 characters: about 39.6 random bits, far more codes than members, so guessing one is hopeless.</summary>
    public const int Length = 8;

    public Guid Id { get; init; }

    public required string Program { get; init; }

    public Guid MemberId { get; init; }

    public required string Code { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public static string Generate()
    {
        Span<char> code = stackalloc char[Length];
        RandomNumberGenerator.GetItems(Alphabet.AsSpan(), code);
        return new string(code);
    }

    /// <summary>The form codes are compared in: capitals, without dashes and spaces.</summary>
    public static string Normalize(string code) => new(code.Where(c => c is not ('-' or ' ')).Select(char.ToUpperInvariant).ToArray());

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ReferralCode>(code =>
        {
            code.ToTable("ReferralCodes");
            code.HasKey(c => c.Id);
            code.Property(c => c.Program).HasMaxLength(50);
            code.Property(c => c.Code).HasMaxLength(Length);
            code.HasIndex(c => new { c.Program, c.Code }).IsUnique();
            code.HasIndex(c => new { c.Program, c.MemberId }).IsUnique();
            // Export and erasure find a member's code by member alone.
            code.HasIndex(c => c.MemberId);
        });
        modelBuilder.Entity<Referral>(referral =>
        {
            referral.ToTable("Referrals");
            referral.HasKey(r => r.Id);
            referral.Property(r => r.Program).HasMaxLength(50);
            referral.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
            referral.Property(r => r.Reason).HasMaxLength(50);
            // One referral per referred member: a member joins once.
            referral.HasIndex(r => new { r.Program, r.ReferredId }).IsUnique();
            referral.HasIndex(r => new { r.Program, r.ReferrerId, r.CreatedAt });
            // Export finds a member's referrals, made and received, by member alone.
            referral.HasIndex(r => r.ReferrerId);
            referral.HasIndex(r => r.ReferredId);
        });
    }
}

internal enum ReferralStatus
{
    Pending,
    Completed,
    Expired,
    Refused,
}

/// <summary>
/// A member enrolled with another member's code. Pending until the referred member's first purchase that earns points
/// within the window (completed), or the window ends (expired); refused at enrolment or completion with a reason.
/// </summary>
internal sealed class Referral
{
    public Guid Id { get; init; }

    public required string Program { get; init; }

    public Guid ReferrerId { get; init; }

    public Guid ReferredId { get; init; }

    public ReferralStatus Status { get; set; }

    /// <summary>Why it was refused: <c>ownCode</c>, <c>sameContact</c>, <c>referrerNotActive</c>, <c>referredNotActive</c>, <c>monthlyCap</c>, <c>samePaymentFingerprint</c>.</summary>
    public string? Reason { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The end of the window in which the first qualifying purchase completes the referral.</summary>
    public DateTimeOffset CompleteBy { get; init; }

    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>Pending past its window reads as expired (lazy expiry); the row is updated when next touched.</summary>
    public bool ExpireIfDue(DateTimeOffset now)
    {
        if (Status != ReferralStatus.Pending || now <= CompleteBy)
        {
            return false;
        }

        Status = ReferralStatus.Expired;
        ResolvedAt = CompleteBy;
        return true;
    }
}
