using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Ledger;

/// <summary>
/// One member's points in one currency of the program (spendable points, or qualifying points for tiers).
/// <see cref="Available"/> and <see cref="Pending"/> are the ledger's sum kept up to date in the same transaction as
/// every entry; <see cref="Version"/> makes two concurrent writers conflict instead of both spending the same points.
/// </summary>
internal sealed class PointsAccount
{
    public Guid Id { get; init; }

    public Guid ProgramId { get; init; }

    public Guid MemberId { get; set; }

    public required string Currency { get; init; }

    /// <summary>Spendable now. Negative only as a debt the program's return policy allows.</summary>
    public long Available { get; set; }

    /// <summary>Earned but held until the return window closes.</summary>
    public long Pending { get; set; }

    public int Version { get; set; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<PointsAccount>(account =>
    {
        account.ToTable("PointsAccounts");
        account.HasKey(a => a.Id);
        account.Property(a => a.Currency).HasMaxLength(20);
        account.HasIndex(a => new { a.MemberId, a.Currency }).IsUnique();
        account.Property(a => a.Version).IsConcurrencyToken();
    });
}

internal enum LedgerEntryType
{
    Accrual,
    Redemption,
    Expiry,
    Adjustment,
    Reversal,
    Transfer,

    /// <summary>Gives back a cancelled redemption's points; zero points when it voids a redemption that never debited.</summary>
    Refund,
}

/// <summary>
/// One change of an account's points. Entries are only ever added: a correction is a new entry referring to the
/// business fact that caused it (<see cref="ReferenceType"/>/<see cref="ReferenceId"/>).
/// </summary>
internal sealed class LedgerEntry
{
    public Guid Id { get; init; }

    public Guid AccountId { get; init; }

    public Guid MemberId { get; set; }

    public LedgerEntryType Type { get; init; }

    /// <summary>Signed whole points: positive credits, negative debits.</summary>
    public long Points { get; init; }

    /// <summary><c>transaction</c>, <c>redemption</c>, <c>admin</c>, <c>lot</c>, <c>merge</c>…</summary>
    public required string ReferenceType { get; init; }

    public required string ReferenceId { get; init; }

    /// <summary>Why, for adjustments: mandatory there, shown to support staff.</summary>
    public string? Reason { get; init; }

    public required string Actor { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>For an accrual held in the return window: when it becomes spendable.</summary>
    public DateTimeOffset? AvailableAt { get; init; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<LedgerEntry>(entry =>
    {
        entry.ToTable("LedgerEntries");
        entry.HasKey(e => e.Id);
        entry.Property(e => e.Type).HasConversion<string>().HasMaxLength(20);
        entry.Property(e => e.ReferenceType).HasMaxLength(30);
        entry.Property(e => e.ReferenceId).HasMaxLength(100);
        entry.Property(e => e.Reason).HasMaxLength(500);
        entry.Property(e => e.Actor).HasMaxLength(200);
        entry.HasIndex(e => new { e.AccountId, e.CreatedAt });
        entry.HasIndex(e => new { e.ReferenceType, e.ReferenceId });
        // A member's entries are read by member (export, merge history): a merge moves accounts, not entries.
        entry.HasIndex(e => e.MemberId);
    });
}

/// <summary>
/// Points earned together that expire together. Spending takes from the lots that expire first; the expiry job
/// removes what is left of a lot when its time comes, once.
/// </summary>
internal sealed class PointsLot
{
    public Guid Id { get; init; }

    public Guid AccountId { get; set; }

    public Guid AccrualEntryId { get; init; }

    public long Points { get; init; }

    public long Remaining { get; set; }

    public DateTimeOffset EarnedAt { get; init; }

    /// <summary>Until then the lot is pending (the return window); the release job makes it spendable.</summary>
    public DateTimeOffset AvailableAt { get; init; }

    public bool Released { get; set; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? ExpiredAt { get; set; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<PointsLot>(lot =>
    {
        lot.ToTable("PointsLots");
        lot.HasKey(l => l.Id);
        lot.HasIndex(l => new { l.AccountId, l.Released, l.ExpiresAt });
        lot.HasIndex(l => new { l.Released, l.AvailableAt });
        lot.HasIndex(l => new { l.ExpiredAt, l.ExpiresAt });
    });
}
