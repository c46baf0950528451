using System.Text.Json;
using Loyalty.Members.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.Segments;

internal enum SegmentKind
{
    /// <summary>Members who meet a condition tree, evaluated by Members in the database.</summary>
    Rule,

    /// <summary>An uploaded list of members.</summary>
    Static,
}

internal enum EvaluationState
{
    Queued,
    Running,
    Done,
    Failed,
}

/// <summary>
/// A segment of a program's members, its definition and the state of its materialised membership
/// (<see cref="SegmentMember"/>, with every entry and exit in <see cref="SegmentChange"/>).
/// </summary>
internal sealed class Segment
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public Guid Id { get; init; }

    public required string Program { get; init; }

    public required string Code { get; init; }

    public required string Name { get; set; }

    public SegmentKind Kind { get; set; }

    /// <summary>The condition tree as JSON (<see cref="MemberCondition"/>), for a rule segment.</summary>
    public string? Conditions { get; set; }

    /// <summary>The conditions on scores as JSON (<see cref="Scores.ScoreConditions"/>), for a rule segment; null without.</summary>
    public string? Scores { get; set; }

    /// <summary>The conditions on engagement as JSON (<see cref="EngagementConditions"/>), for a rule segment; null without.</summary>
    public string? Engagement { get; set; }

    /// <summary>Whether the segment is for marketing: then members who objected or are restricted are left out.</summary>
    public bool Marketing { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Incremented by every change of the definition: an evaluation that started before a change does not mark the segment done.</summary>
    public int Version { get; set; }

    public EvaluationState State { get; set; }

    public DateTimeOffset QueuedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? EvaluatedAt { get; set; }

    /// <summary>Members in the materialised segment now.</summary>
    public int MemberCount { get; set; }

    /// <summary>Progress of the running (or last) evaluation: members read of <see cref="Total"/>.</summary>
    public int Processed { get; set; }

    public int Total { get; set; }

    /// <summary>Members who entered and left in the last evaluation.</summary>
    public int Entered { get; set; }

    public int Left { get; set; }

    public string? FailureReason { get; set; }

    public MemberCondition? ParseConditions() => Conditions is null ? null : JsonSerializer.Deserialize<MemberCondition>(Conditions, Json);

    public Scores.ScoreConditions? ParseScores() => Scores is null ? null : JsonSerializer.Deserialize<Scores.ScoreConditions>(Scores, Json);

    public EngagementConditions? ParseEngagement() => Engagement is null ? null : JsonSerializer.Deserialize<EngagementConditions>(Engagement, Json);

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Segment>(segment =>
        {
            segment.ToTable("Segments");
            segment.HasKey(s => s.Id);
            segment.Property(s => s.Program).HasMaxLength(50);
            segment.Property(s => s.Code).HasMaxLength(50);
            segment.HasIndex(s => new { s.Program, s.Code }).IsUnique();
            segment.Property(s => s.Name).HasMaxLength(200);
            segment.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
            segment.Property(s => s.State).HasConversion<string>().HasMaxLength(20);
            segment.HasIndex(s => new { s.State, s.EvaluatedAt });
            segment.Property(s => s.FailureReason).HasMaxLength(1000);
        });
        modelBuilder.Entity<SegmentMember>(member =>
        {
            member.ToTable("SegmentMembers");
            member.HasKey(m => new { m.SegmentId, m.MemberId });
            member.HasIndex(m => m.MemberId);
        });
        modelBuilder.Entity<SegmentListEntry>(entry =>
        {
            entry.ToTable("SegmentListEntries");
            entry.HasKey(e => new { e.SegmentId, e.MemberId });
            entry.HasIndex(e => e.MemberId);
        });
        modelBuilder.Entity<SegmentChange>(change =>
        {
            change.ToTable("SegmentChanges");
            change.HasKey(c => c.Id);
            change.HasIndex(c => new { c.SegmentId, c.Id });
            change.HasIndex(c => c.MemberId);
        });
    }
}

/// <summary>A member in a segment as of its last evaluation, since when.</summary>
internal sealed class SegmentMember
{
    public Guid SegmentId { get; init; }

    public Guid MemberId { get; init; }

    public DateTimeOffset Since { get; init; }
}

/// <summary>A member of a static segment's uploaded list (the emails of an upload are resolved to ids and not kept).</summary>
internal sealed class SegmentListEntry
{
    public Guid SegmentId { get; init; }

    public Guid MemberId { get; init; }
}

/// <summary>A member entering or leaving a segment: the segment's history.</summary>
internal sealed class SegmentChange
{
    /// <summary>Version 7: ordered by time, the history's page key.</summary>
    public Guid Id { get; init; }

    public Guid SegmentId { get; init; }

    public Guid MemberId { get; init; }

    public bool Entered { get; init; }

    public DateTimeOffset At { get; init; }
}
