using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Purposes;

/// <summary>
/// What a program asks its members' consent for (<c>email-marketing</c>), with the texts the members are shown, in
/// versions, one text per locale in each version.
/// </summary>
internal sealed class Purpose
{
    public Guid Id { get; init; }

    public Guid ProgramId { get; init; }

    /// <summary>Stable key, as other modules name the purpose when they ask the consent gate.</summary>
    public required string Key { get; init; }

    public required string Name { get; set; }

    public required string Description { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The newest published version, 0 before the first.</summary>
    public int LatestVersion { get; set; }

    /// <summary>
    /// The newest version that changed what the member agrees to (<see cref="ConsentText.MaterialChange"/>): consents
    /// given under an older text no longer count, and those members are asked again.
    /// </summary>
    public int ValidFromVersion { get; set; }

    public List<ConsentText> Texts { get; init; } = [];

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<Purpose>(purpose =>
    {
        purpose.ToTable("Purposes");
        purpose.HasKey(p => p.Id);
        purpose.Property(p => p.Key).HasMaxLength(60);
        purpose.Property(p => p.Name).HasMaxLength(200);
        purpose.Property(p => p.Description).HasMaxLength(2000);
        purpose.Property(p => p.LatestVersion).IsConcurrencyToken();
        purpose.HasIndex(p => new { p.ProgramId, p.Key }).IsUnique();
        purpose.HasMany(p => p.Texts).WithOne().HasForeignKey(t => t.PurposeId);
    });
}

/// <summary>The consent text of one version of a purpose in one locale, exactly as it was shown; never changed once published.</summary>
internal sealed class ConsentText
{
    public Guid Id { get; init; }

    public Guid PurposeId { get; init; }

    public int Version { get; init; }

    /// <summary>A language tag (<c>de</c>, <c>en-GB</c>).</summary>
    public required string Locale { get; init; }

    public required string Text { get; init; }

    /// <summary>
    /// Whether this version changes what the member agrees to (a new use, a new recipient), rather than its wording.
    /// The first version always does.
    /// </summary>
    public bool MaterialChange { get; init; }

    public DateTimeOffset PublishedAt { get; init; }

    public required string PublishedBy { get; init; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<ConsentText>(text =>
    {
        text.ToTable("ConsentTexts");
        text.HasKey(t => t.Id);
        text.Property(t => t.Locale).HasMaxLength(20);
        text.Property(t => t.Text).HasMaxLength(8000);
        text.Property(t => t.PublishedBy).HasMaxLength(200);
        text.HasIndex(t => new { t.PurposeId, t.Version, t.Locale }).IsUnique();
    });
}
