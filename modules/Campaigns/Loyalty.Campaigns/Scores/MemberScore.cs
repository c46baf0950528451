using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.Scores;

/// <summary>
/// A member's scores from the program's last run (personal data: profiling results, exported and erased with the
/// member). Members the consent gate excludes from profiling have none.
/// </summary>
internal sealed class MemberScore
{
    public required string Program { get; init; }

    public Guid MemberId { get; init; }

    /// <summary>RFM quintiles 1 (lowest) to 5 over the last 365 days; 1 without a purchase in them.</summary>
    public int Recency { get; set; }

    public int Frequency { get; set; }

    public int Monetary { get; set; }

    /// <summary>The chance, in percent, that the member buys nothing in the next 90 days.</summary>
    public int ChurnRisk { get; set; }

    /// <summary>The expected value still to come, in minor units of <see cref="Currency"/>.</summary>
    public long LifetimeValueMinor { get; set; }

    public required string Currency { get; set; }

    /// <summary>The run that wrote it: a run's last step removes the rows of earlier runs (members gone or excluded).</summary>
    public Guid RunId { get; set; }

    public DateTimeOffset ComputedAt { get; set; }

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<MemberScore>(score =>
        {
            score.ToTable("MemberScores");
            score.HasKey(s => new { s.Program, s.MemberId });
            score.Property(s => s.Program).HasMaxLength(50);
            score.Property(s => s.Currency).HasMaxLength(3);
            score.HasIndex(s => new { s.Program, s.RunId });
            score.HasIndex(s => s.MemberId);
        });
        modelBuilder.Entity<ScoreRun>(run =>
        {
            run.ToTable("ScoreRuns");
            run.HasKey(r => r.Program);
            run.Property(r => r.Program).HasMaxLength(50);
            run.Property(r => r.State).HasConversion<string>().HasMaxLength(20);
            run.Property(r => r.ModelKind).HasMaxLength(30);
            run.Property(r => r.Reason).HasMaxLength(500);
            run.Property(r => r.LockedBy).HasMaxLength(200);
            run.Property(r => r.FailureReason).HasMaxLength(1000);
            run.Property(r => r.Version).IsConcurrencyToken();
        });
    }
}

internal enum ScoreRunState
{
    /// <summary>Reading the program's history to train the model and find the RFM boundaries.</summary>
    Training,

    /// <summary>Writing the members' scores batch by batch after <see cref="ScoreRun.Cursor"/>.</summary>
    Scoring,

    Done,
    Failed,
}

/// <summary>
/// The scoring of one program: its current model (what the model endpoint shows) and the progress of the run that
/// computes the scores. A node claims the run by moving the version on; a run it left behind is taken over once its
/// claim ran out, at the batch after the last one written.
/// </summary>
internal sealed class ScoreRun
{
    public required string Program { get; init; }

    public ScoreRunState State { get; set; }

    public Guid RunId { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The last member scored in this run; the next batch starts after it.</summary>
    public Guid? Cursor { get; set; }

    public int Scored { get; set; }

    public int Excluded { get; set; }

    public int Removed { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    public string? LockedBy { get; set; }

    public string? FailureReason { get; set; }

    /// <summary><see cref="ChurnModel.Logistic"/> or <see cref="ChurnModel.Heuristic"/>; null before the first model.</summary>
    public string? ModelKind { get; set; }

    /// <summary>Why the heuristic is used.</summary>
    public string? Reason { get; set; }

    /// <summary>The <see cref="ChurnFeature"/>s as JSON.</summary>
    public string? Features { get; set; }

    public double Intercept { get; set; }

    /// <summary>The RFM quintile boundaries (recency, frequency, monetary) as JSON.</summary>
    public string? Boundaries { get; set; }

    public DateTimeOffset? TrainedAt { get; set; }

    public DateTimeOffset? TrainingCutOff { get; set; }

    public DateTimeOffset? ValidationCutOff { get; set; }

    public double? Auc { get; set; }

    public int TrainingMembers { get; set; }

    public int TrainingLapsed { get; set; }

    public int ValidationMembers { get; set; }

    public int ValidationLapsed { get; set; }

    public int Version { get; set; }
}
