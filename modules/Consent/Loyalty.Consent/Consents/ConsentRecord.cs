using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Consents;

/// <summary>Where a grant or withdrawal came from.</summary>
internal enum ConsentSource
{
    WebForm,
    Pos,
    Import,
    CrmSync,
    ApiClient,
    UnsubscribeLink,
}

/// <summary>
/// One grant or withdrawal of a member's consent to a purpose on a channel. Records are only added: the history is the
/// proof (Art. 7(1)), and the current state is the latest record that applies, see <see cref="ConsentState"/>.
/// </summary>
internal sealed class ConsentRecord
{
    /// <summary>Stored for a grant or withdrawal that names no channel: it applies to every channel of the purpose.</summary>
    public const string AnyChannel = "any";

    public Guid Id { get; init; }

    public Guid ProgramId { get; init; }

    public Guid MemberId { get; init; }

    public Guid PurposeId { get; init; }

    public required string PurposeKey { get; init; }

    public required string Channel { get; init; }

    public bool Granted { get; init; }

    /// <summary>The text version the member agreed to; null for a withdrawal.</summary>
    public int? TextVersion { get; init; }

    public string? Locale { get; init; }

    /// <summary>When the member gave or withdrew consent; may be earlier than <see cref="RecordedAt"/> for imports and CRM syncs.</summary>
    public DateTimeOffset OccurredAt { get; init; }

    public DateTimeOffset RecordedAt { get; init; }

    public ConsentSource Source { get; init; }

    /// <summary>The IP address the consent was given from: personal data, cleared on erasure.</summary>
    public string? IpAddress { get; set; }

    /// <summary>The form or screen the consent was given on (<c>checkout-newsletter-v3</c>).</summary>
    public string? FormId { get; set; }

    /// <summary>The caller's id of the grant or withdrawal, such as a CRM's change id: a repeat with it records nothing new.</summary>
    public string? ExternalId { get; init; }

    /// <summary>The API key or admin that recorded it.</summary>
    public required string RecordedBy { get; init; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<ConsentRecord>(record =>
    {
        record.ToTable("ConsentRecords");
        record.HasKey(r => r.Id);
        record.Property(r => r.PurposeKey).HasMaxLength(60);
        record.Property(r => r.Channel).HasMaxLength(40);
        record.Property(r => r.Locale).HasMaxLength(20);
        record.Property(r => r.Source).HasConversion<string>().HasMaxLength(20);
        record.Property(r => r.IpAddress).HasMaxLength(45);
        record.Property(r => r.FormId).HasMaxLength(200);
        record.Property(r => r.ExternalId).HasMaxLength(200);
        record.Property(r => r.RecordedBy).HasMaxLength(200);
        record.HasIndex(r => new { r.MemberId, r.PurposeKey, r.OccurredAt });
        record.HasIndex(r => new { r.PurposeId, r.TextVersion });
        record.HasIndex(r => new { r.ProgramId, r.ExternalId }).IsUnique();
        record.HasOne<Purposes.Purpose>().WithMany().HasForeignKey(r => r.PurposeId);
    });
}
