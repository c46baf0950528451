using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Attributes;

internal enum AttributeType
{
    String,
    Integer,
    Decimal,
    Boolean,
    Date,
    Enum,
}

/// <summary>
/// One custom attribute a program's members may carry (<c>favouriteStore</c>, <c>newsletter</c>): its type and rules.
/// A program with no definitions keeps free-form attributes; once it has one, only defined keys are accepted.
/// </summary>
internal sealed class AttributeDefinition
{
    public const int MaxKeyLength = 50;

    public const int MaxValueLength = 500;

    public Guid Id { get; init; }

    public Guid ProgramId { get; init; }

    public required string Key { get; init; }

    public AttributeType Type { get; set; }

    public bool Required { get; set; }

    /// <summary>For <see cref="AttributeType.String"/>: at most this many characters.</summary>
    public int? MaxLength { get; set; }

    /// <summary>For <see cref="AttributeType.Enum"/>: the values a member may have, compared exactly.</summary>
    public List<string> AllowedValues { get; set; } = [];

    public DateTimeOffset UpdatedAt { get; set; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<AttributeDefinition>(definition =>
    {
        definition.ToTable("AttributeDefinitions");
        definition.HasKey(d => d.Id);
        definition.Property(d => d.Key).HasMaxLength(MaxKeyLength);
        definition.HasIndex(d => new { d.ProgramId, d.Key }).IsUnique();
        definition.Property(d => d.Type).HasConversion<string>().HasMaxLength(20);
    });
}
