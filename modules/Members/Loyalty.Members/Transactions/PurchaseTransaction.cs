using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Loyalty.Members.Transactions;

internal enum TransactionType
{
    Purchase,
    Return,
}

/// <summary>
/// A purchase or return reported by a shop or POS, kept as received (with the hash of the request, so a repeat with
/// other content is told apart) together with the points it earned or took back.
/// </summary>
internal sealed class PurchaseTransaction
{
    public Guid Id { get; init; }

    public Guid ProgramId { get; init; }

    public Guid MemberId { get; set; }

    /// <summary>The sender's transaction id; unique per program, it makes a repeat harmless.</summary>
    public required string ExternalId { get; init; }

    public TransactionType Type { get; init; }

    /// <summary>For a return: the purchase's external id.</summary>
    public string? OriginalExternalId { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    public required string Channel { get; init; }

    public string? Store { get; init; }

    public required string Currency { get; init; }

    public long TotalMinor { get; init; }

    /// <summary>How the purchase was paid (card, cash, voucher…), as the sender names it; null when not given.</summary>
    public string? PaymentMethod { get; init; }

    /// <summary>
    /// The hash of the POS's token of the means of payment (<see cref="TransactionRequest.FingerprintHash"/>), for
    /// referrals' self-referral check; null when not given, and after the member's erasure.
    /// </summary>
    public string? PaymentFingerprintHash { get; set; }

    /// <summary>The sender's custom attributes of the purchase (string keys and values), for earning rules; null when none.</summary>
    public Dictionary<string, string>? Attributes { get; init; }

    public List<TransactionLine> Lines { get; init; } = [];

    public required string RequestHash { get; init; }

    /// <summary>Points credited (a purchase) or taken back (a return, negative).</summary>
    public long Points { get; set; }

    /// <summary>
    /// Qualifying (tier status) points that earning rules added to a purchase on top of <see cref="Points"/>, which the
    /// qualifying account is credited as well; a return takes them back in the proportion of the points it takes back.
    /// </summary>
    public long QualifyingBonus { get; set; }

    /// <summary>The ledger entry of the accrual or reversal, if any points moved.</summary>
    public Guid? LedgerEntryId { get; set; }

    /// <summary>
    /// The earning rule versions that decided a purchase's points and what each added, as JSON (a list of
    /// <see cref="Loyalty.Campaigns.Contracts.AppliedRule"/>); null where the base rate alone decided, and for returns.
    /// </summary>
    public string? EarnedBy { get; set; }

    public DateTimeOffset RecordedAt { get; init; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<PurchaseTransaction>(transaction =>
    {
        transaction.ToTable("Transactions");
        transaction.HasKey(t => t.Id);
        transaction.Property(t => t.ExternalId).HasMaxLength(100);
        transaction.HasIndex(t => new { t.ProgramId, t.ExternalId }).IsUnique();
        transaction.Property(t => t.Type).HasConversion<string>().HasMaxLength(20);
        transaction.Property(t => t.OriginalExternalId).HasMaxLength(100);
        transaction.HasIndex(t => new { t.ProgramId, t.OriginalExternalId });
        transaction.Property(t => t.Channel).HasMaxLength(50);
        transaction.Property(t => t.Store).HasMaxLength(100);
        transaction.Property(t => t.PaymentMethod).HasMaxLength(50);
        transaction.Property(t => t.PaymentFingerprintHash).HasMaxLength(64);
        transaction.HasIndex(t => new { t.ProgramId, t.PaymentFingerprintHash });
        StoreAsJson(transaction.Property(t => t.Attributes));
        transaction.Property(t => t.Currency).HasMaxLength(3).IsFixedLength();
        transaction.Property(t => t.RequestHash).HasMaxLength(64);
        transaction.HasIndex(t => new { t.MemberId, t.OccurredAt });
        transaction.OwnsMany(t => t.Lines, line =>
        {
            line.ToTable("TransactionLines");
            line.WithOwner().HasForeignKey("TransactionId");
            line.HasKey("TransactionId", nameof(TransactionLine.LineNumber));
            line.Property(l => l.Sku).HasMaxLength(100);
            line.Property(l => l.Category).HasMaxLength(100);
            line.Property(l => l.Brand).HasMaxLength(100);
            StoreAsJson(line.Property(l => l.Attributes));
            line.Property(l => l.Quantity).HasPrecision(18, 4);
            line.Property(l => l.ReturnedQuantity).HasPrecision(18, 4);
        });
    });

    /// <summary>Attributes as one JSON object in a text column: they are only ever read with their transaction.</summary>
    private static void StoreAsJson(PropertyBuilder<Dictionary<string, string>?> property) => property.HasConversion(
        value => JsonSerializer.Serialize(value, (JsonSerializerOptions?)null),
        json => JsonSerializer.Deserialize<Dictionary<string, string>>(json, (JsonSerializerOptions?)null),
        new ValueComparer<Dictionary<string, string>?>(
            (a, b) => a == null ? b == null : b != null && a.Count == b.Count && !a.Except(b).Any(),
            d => d == null ? 0 : d.Aggregate(0, (hash, pair) => HashCode.Combine(hash, pair.Key, pair.Value)),
            d => d == null ? null : new Dictionary<string, string>(d)));
}

internal sealed class TransactionLine
{
    public int LineNumber { get; init; }

    public required string Sku { get; init; }

    public string? Category { get; init; }

    public string? Brand { get; init; }

    /// <summary>Free-form labels of the line (color=red), for earning rules; null when none.</summary>
    public Dictionary<string, string>? Attributes { get; init; }

    public decimal Quantity { get; init; }

    public long UnitPriceMinor { get; init; }

    /// <summary>Quantity × unit price, rounded to the minor unit.</summary>
    public long AmountMinor { get; init; }

    /// <summary>What this line earned (a purchase) or took back (a return).</summary>
    public long Points { get; set; }

    /// <summary>On a purchase line: how much of it was returned so far, and the points that took back.</summary>
    public decimal ReturnedQuantity { get; set; }

    public long ReversedPoints { get; set; }
}
