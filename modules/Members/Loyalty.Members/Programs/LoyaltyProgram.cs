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

    public LoyaltyProgramDto ToDto() => new(Id, Code, Name, TimeZone, Currency, CreatedAt);

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<LoyaltyProgram>(program =>
    {
        program.ToTable("Programs");
        program.HasKey(p => p.Id);
        program.Property(p => p.Code).HasMaxLength(50);
        program.HasIndex(p => p.Code).IsUnique();
        program.Property(p => p.Name).HasMaxLength(200);
        program.Property(p => p.TimeZone).HasMaxLength(100);
        program.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
    });
}
