using Loyalty.Members.Enrollment;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Tiers;

/// <summary>What a program's tiers are measured in.</summary>
internal enum TierBasis
{
    /// <summary>Whole qualifying points, from the program's qualifying (<c>status</c>) currency.</summary>
    QualifyingPoints,

    /// <summary>Spend in minor units of the program's currency: purchases less returns.</summary>
    Spend,
}

/// <summary>Over which period the qualifying value counts, and so when a tier is evaluated for a downgrade.</summary>
internal enum TierWindow
{
    /// <summary>The last 12 months; a member is evaluated 12 months after reaching a tier or after the last evaluation.</summary>
    Rolling12Months,

    /// <summary>The calendar year in the program's time zone; every member is evaluated when a year ends.</summary>
    CalendarYear,
}

internal enum TierChangeReason
{
    Initial,
    Upgrade,
    Downgrade,
    Manual,
}

/// <summary>A program's tier settings. A program without them has no tiers.</summary>
internal sealed class TierSettings
{
    public Guid ProgramId { get; init; }

    public TierBasis Basis { get; set; }

    public TierWindow Window { get; set; }

    /// <summary>At most this many levels down per evaluation.</summary>
    public int MaxLevelsDown { get; set; } = 1;

    public DateTimeOffset UpdatedAt { get; set; }

    public List<TierDefinition> Tiers { get; init; } = [];

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<TierSettings>(settings =>
        {
            settings.ToTable("TierSettings");
            settings.HasKey(s => s.ProgramId);
            settings.Property(s => s.Basis).HasConversion<string>().HasMaxLength(20);
            settings.Property(s => s.Window).HasConversion<string>().HasMaxLength(20);
            settings.HasMany(s => s.Tiers).WithOne().HasForeignKey(t => t.ProgramId);
            settings.Navigation(s => s.Tiers).AutoInclude();
            settings.Ignore(s => s.Ladder);
        });
        modelBuilder.Entity<TierDefinition>(tier =>
        {
            tier.ToTable("Tiers");
            tier.HasKey(t => t.Id);
            tier.Property(t => t.Code).HasMaxLength(50);
            tier.Property(t => t.Name).HasMaxLength(100);
            tier.Property(t => t.EarningMultiplier).HasPrecision(9, 4);
            tier.Property(t => t.Benefits).HasMaxLength(1000);
            tier.HasIndex(t => new { t.ProgramId, t.Code }).IsUnique();
        });
        MemberTier.Configure(modelBuilder);
        TierChange.Configure(modelBuilder);
    }

    /// <summary>The ladder from the lowest tier up.</summary>
    public IReadOnlyList<TierDefinition> Ladder => [.. Tiers.OrderBy(t => t.Rank)];
}

/// <summary>One rung of a program's ladder (Bronze, Silver, Gold).</summary>
internal sealed class TierDefinition
{
    public Guid Id { get; init; }

    public Guid ProgramId { get; init; }

    public required string Code { get; init; }

    public required string Name { get; set; }

    /// <summary>Higher is better; thresholds rise with the rank.</summary>
    public int Rank { get; set; }

    /// <summary>Qualifying points, or spend in minor units, over the window, to reach this tier.</summary>
    public long Threshold { get; set; }

    /// <summary>Applied by the earning calculation to what a member of this tier earns (1.0: no bonus).</summary>
    public decimal EarningMultiplier { get; set; } = 1m;

    public string? Benefits { get; set; }
}

/// <summary>
/// A member's current tier. <see cref="NextEvaluationAt"/> is the evaluation marker: the job evaluates a member once
/// it has passed and moves it on in the same transaction, so a second run finds nothing due.
/// </summary>
internal sealed class MemberTier
{
    public Guid MemberId { get; init; }

    public Guid ProgramId { get; init; }

    public required string TierCode { get; set; }

    public DateTimeOffset Since { get; set; }

    public DateTimeOffset NextEvaluationAt { get; set; }

    public DateTimeOffset? LastEvaluatedAt { get; set; }

    /// <summary>Makes an evaluation and a concurrent upgrade conflict instead of both writing.</summary>
    public int Version { get; set; }

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<MemberTier>(state =>
        {
            state.ToTable("MemberTiers");
            state.HasKey(s => s.MemberId);
            state.Property(s => s.TierCode).HasMaxLength(50);
            state.Property(s => s.Version).IsConcurrencyToken();
            state.HasIndex(s => new { s.ProgramId, s.TierCode });
            state.HasIndex(s => new { s.ProgramId, s.NextEvaluationAt });
            state.HasOne<Member>().WithOne(m => m.TierState).HasForeignKey<MemberTier>(s => s.MemberId);
        });
        modelBuilder.Entity<Member>().Navigation(m => m.TierState).AutoInclude();
    }
}

/// <summary>One move of a member between tiers; only ever added.</summary>
internal sealed class TierChange
{
    public Guid Id { get; init; }

    public Guid ProgramId { get; init; }

    public Guid MemberId { get; init; }

    /// <summary>Null when the member had no tier yet.</summary>
    public string? FromTier { get; init; }

    /// <summary>Null when the member dropped below the lowest tier.</summary>
    public string? ToTier { get; init; }

    public TierChangeReason Reason { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary>The qualifying value the decision was made on.</summary>
    public long QualifyingValue { get; init; }

    public required string Actor { get; init; }

    /// <summary>For a manual assignment: why.</summary>
    public string? Note { get; init; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<TierChange>(change =>
    {
        change.ToTable("TierHistory");
        change.HasKey(c => c.Id);
        change.Property(c => c.FromTier).HasMaxLength(50);
        change.Property(c => c.ToTier).HasMaxLength(50);
        change.Property(c => c.Reason).HasConversion<string>().HasMaxLength(20);
        change.Property(c => c.Actor).HasMaxLength(200);
        change.Property(c => c.Note).HasMaxLength(500);
        change.HasIndex(c => new { c.MemberId, c.At });
    });
}
