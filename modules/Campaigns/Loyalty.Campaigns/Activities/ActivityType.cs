using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.Activities;

internal enum ActivityTypeStatus
{
    Active,
    Inactive,
}

/// <summary>
/// An activity a program defines beyond the built-in ones (an app check-in, a post-dinner survey): activities of an
/// active type are accepted and earn under the rules whose trigger is its code; an inactive type's are refused.
/// </summary>
internal sealed class ActivityType
{
    public Guid Id { get; init; }

    public required string Program { get; init; }

    public required string Code { get; init; }

    public required string Name { get; set; }

    public ActivityTypeStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ActivityType>(type =>
        {
            type.ToTable("ActivityTypes");
            type.HasKey(t => t.Id);
            type.Property(t => t.Program).HasMaxLength(50);
            type.Property(t => t.Code).HasMaxLength(50);
            type.Property(t => t.Name).HasMaxLength(200);
            type.Property(t => t.Status).HasConversion<string>().HasMaxLength(20);
            type.HasIndex(t => new { t.Program, t.Code }).IsUnique();
        });
        modelBuilder.Entity<ActivityRecord>(activity =>
        {
            activity.ToTable("Activities");
            activity.HasKey(a => a.Id);
            activity.Property(a => a.Program).HasMaxLength(50);
            activity.Property(a => a.ExternalId).HasMaxLength(ActivityRecord.MaxExternalIdLength);
            activity.Property(a => a.Type).HasMaxLength(50);
            activity.HasIndex(a => new { a.Program, a.ExternalId }).IsUnique();
            activity.HasIndex(a => a.MemberId);
        });
    }
}

/// <summary>
/// An activity as it was received and what it earned: the rule versions that applied and their points
/// (<see cref="Rules"/>, JSON), as purchases keep theirs. <see cref="Credited"/> turns true once Members has the points.
/// </summary>
internal sealed class ActivityRecord
{
    public const int MaxExternalIdLength = 90;

    public Guid Id { get; init; }

    public required string Program { get; init; }

    public required string ExternalId { get; init; }

    public Guid MemberId { get; set; }

    public required string Type { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    public DateTimeOffset RecordedAt { get; init; }

    public long Points { get; init; }

    /// <summary>The sender's attributes of the activity (<see cref="ActivityAttributes"/>), as JSON; null when it gave none, and after the member's erasure.</summary>
    public string? Attributes { get; init; }

    /// <summary>Every rule considered with its outcome (<see cref="EarningRules.RuleOutcome"/>), as JSON.</summary>
    public required string Rules { get; init; }

    public bool Credited { get; set; }

    /// <summary>The id cap reservations and Members' ledger know the activity by, apart from purchases' external ids.</summary>
    public static string Reference(string externalId) => $"activity:{externalId}";
}
