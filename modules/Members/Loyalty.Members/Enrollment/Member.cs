using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Enrollment;

internal enum MemberStatus
{
    Active,
    Suspended,
    Closed,

    /// <summary>Merged into another member (<see cref="Member.MergedIntoId"/>): final, everything it had moved there.</summary>
    Merged,

    /// <summary>Personal data erased on the member's request: final; only the pseudonymous points and purchase history remain.</summary>
    Erased,
}

/// <summary>A person enrolled in one program. Personal data lives here and in <see cref="MemberIdentifier"/> only.</summary>
internal sealed class Member
{
    public Guid Id { get; init; }

    public Guid ProgramId { get; init; }

    public string? Email { get; set; }

    /// <summary>Lower-cased email: unique per program, so two spellings of one address are one member.</summary>
    public string? NormalizedEmail { get; set; }

    public string? Phone { get; set; }

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public DateOnly? BirthDate { get; set; }

    /// <summary>BCP 47 tag (<c>de-DE</c>) for messages and surveys.</summary>
    public string? Locale { get; set; }

    public PostalAddress Address { get; set; } = new();

    /// <summary>The program's own attributes (<c>favouriteStore</c>, <c>newsletter</c>), as JSON values by key.</summary>
    public Dictionary<string, string> Attributes { get; set; } = [];

    public required string EnrollmentChannel { get; init; }

    public DateTimeOffset EnrolledAt { get; init; }

    public MemberStatus Status { get; set; }

    /// <summary>For a <see cref="MemberStatus.Merged"/> member: the survivor its identifiers, points and history moved to.</summary>
    public Guid? MergedIntoId { get; set; }

    public DateTimeOffset? MergedAt { get; set; }

    /// <summary>Incremented by every change; the ETag of the member resource and its optimistic concurrency token.</summary>
    public int Version { get; set; }

    public List<MemberIdentifier> Identifiers { get; init; } = [];

    /// <summary>The member's tier, if they have one; always loaded with the member.</summary>
    public Tiers.MemberTier? TierState { get; set; }

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Member>(member =>
        {
            member.ToTable("Members");
            member.HasKey(m => m.Id);
            member.Property(m => m.Email).HasMaxLength(320);
            member.Property(m => m.NormalizedEmail).HasMaxLength(320);
            member.HasIndex(m => new { m.ProgramId, m.NormalizedEmail }).IsUnique();
            member.Property(m => m.Phone).HasMaxLength(32);
            member.Property(m => m.FirstName).HasMaxLength(100);
            member.Property(m => m.LastName).HasMaxLength(100);
            member.HasIndex(m => new { m.ProgramId, m.LastName, m.FirstName });
            member.Property(m => m.Locale).HasMaxLength(35);
            member.Property(m => m.EnrollmentChannel).HasMaxLength(50);
            member.Property(m => m.Status).HasConversion<string>().HasMaxLength(20);
            member.Property(m => m.Version).IsConcurrencyToken();
            member.OwnsOne(m => m.Address, address =>
            {
                address.Property(a => a.Line1).HasMaxLength(200);
                address.Property(a => a.Line2).HasMaxLength(200);
                address.Property(a => a.PostalCode).HasMaxLength(20);
                address.Property(a => a.City).HasMaxLength(100);
                address.Property(a => a.Country).HasMaxLength(2);
            });
            member.Navigation(m => m.Address).IsRequired();
            member.Property(m => m.Attributes).HasConversion(
                value => System.Text.Json.JsonSerializer.Serialize(value, (System.Text.Json.JsonSerializerOptions?)null),
                json => System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(json, (System.Text.Json.JsonSerializerOptions?)null) ?? new(),
                new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<Dictionary<string, string>>(
                    (a, b) => a!.Count == b!.Count && !a.Except(b).Any(),
                    d => d.Aggregate(0, (hash, pair) => HashCode.Combine(hash, pair.Key, pair.Value)),
                    d => new Dictionary<string, string>(d)));
            member.HasMany(m => m.Identifiers).WithOne().HasForeignKey(i => i.MemberId);
        });
        MemberIdentifier.Configure(modelBuilder);
    }
}

internal sealed class PostalAddress
{
    public string? Line1 { get; set; }

    public string? Line2 { get; set; }

    public string? PostalCode { get; set; }

    public string? City { get; set; }

    /// <summary>ISO 3166-1 alpha-2.</summary>
    public string? Country { get; set; }
}

internal enum IdentifierKind
{
    /// <summary>The member's id in another system, e.g. the shop's customer id.</summary>
    ExternalId,

    /// <summary>A loyalty card number.</summary>
    Card,
}

/// <summary>A card number or external id that finds one member; unique within its program.</summary>
internal sealed class MemberIdentifier
{
    public Guid Id { get; init; }

    public Guid ProgramId { get; init; }

    public Guid MemberId { get; set; }

    public IdentifierKind Kind { get; init; }

    public required string Value { get; init; }

    public DateTimeOffset AddedAt { get; init; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<MemberIdentifier>(identifier =>
    {
        identifier.ToTable("MemberIdentifiers");
        identifier.HasKey(i => i.Id);
        identifier.Property(i => i.Kind).HasConversion<string>().HasMaxLength(20);
        identifier.Property(i => i.Value).HasMaxLength(100);
        identifier.HasIndex(i => new { i.ProgramId, i.Kind, i.Value }).IsUnique();
    });
}
