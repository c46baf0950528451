using Loyalty.Members.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Programs;

/// <summary>
/// A loyalty program (a brand or a country): its members, tiers and rules are scoped to it, its time zone decides
/// when a "day" or "month" starts for caps and expiry, and its currency is what purchases are earned in.
/// </summary>
internal sealed class LoyaltyProgram
{
    public Guid Id { get; init; }

    /// <summary>Stable, URL-safe key chosen by the admin (<c>coffee-club</c>); unique per install.</summary>
    public required string Code { get; init; }

    public required string Name { get; set; }

    /// <summary>IANA time zone id (<c>Europe/Berlin</c>).</summary>
    public required string TimeZone { get; set; }

    /// <summary>ISO 4217 code of the program's currency; amounts are stored in its minor units.</summary>
    public required string Currency { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The spendable points currency's code in the ledger.</summary>
    public string PointsCurrency { get; set; } = "points";

    /// <summary>The qualifying (status) currency's code: what tiers are measured in.</summary>
    public string QualifyingCurrency { get; set; } = "status";

    /// <summary>Base earning rate until the earning rules decide: points per whole unit of <see cref="Currency"/>.</summary>
    public decimal PointsPerCurrencyUnit { get; set; } = 1m;

    public BaseRateScope BaseRateScope { get; set; } = BaseRateScope.PerLine;

    /// <summary>The return window: points are pending for this many days before they can be spent.</summary>
    public int PendingDays { get; set; }

    public ExpiryPolicy ExpiryPolicy { get; set; } = ExpiryPolicy.Never;

    /// <summary>For <see cref="ExpiryPolicy.RollingMonths"/>.</summary>
    public int ExpiryMonths { get; set; }

    public ReturnPolicy ReturnPolicy { get; set; } = ReturnPolicy.AllowDebt;

    /// <summary>
    /// How many days a purchase for a card or external id that no member has yet is held, to be credited when a member
    /// enrols with it (a retro-claim); 0 refuses such purchases as unknown.
    /// </summary>
    public int RetroClaimDays { get; set; }

    public LoyaltyProgramDto ToDto() => new(
        Id, Code, Name, TimeZone, Currency, CreatedAt, PointsCurrency, QualifyingCurrency, PointsPerCurrencyUnit,
        BaseRateScope.ToString(), PendingDays, ExpiryPolicy.ToString(), ExpiryMonths, ReturnPolicy.ToString(), RetroClaimDays);

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<LoyaltyProgram>(program =>
    {
        program.ToTable("Programs");
        program.HasKey(p => p.Id);
        program.Property(p => p.Code).HasMaxLength(50);
        program.HasIndex(p => p.Code).IsUnique();
        program.Property(p => p.Name).HasMaxLength(200);
        program.Property(p => p.TimeZone).HasMaxLength(100);
        program.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
        program.Property(p => p.PointsCurrency).HasMaxLength(20);
        program.Property(p => p.QualifyingCurrency).HasMaxLength(20);
        program.Property(p => p.PointsPerCurrencyUnit).HasPrecision(18, 6);
        program.Property(p => p.BaseRateScope).HasConversion<string>().HasMaxLength(20);
        program.Property(p => p.ExpiryPolicy).HasConversion<string>().HasMaxLength(30);
        program.Property(p => p.ReturnPolicy).HasConversion<string>().HasMaxLength(20);
    });
}
