using Microsoft.EntityFrameworkCore;

namespace Loyalty.Feedback.Distribution;

/// <summary>
/// A survey sent (or due to be sent) to one member for one trigger: a campaign's id or <c>purchase:{transaction}</c>.
/// There is one per survey, member and trigger, so a trigger that fires again sends nothing new, and it takes one
/// response. <see cref="InvitedAt"/> is set when <see cref="Contracts.SurveyInvitationCreated"/> was published.
/// </summary>
internal sealed class SurveySend
{
    public const int MaxTriggerLength = 100;

    public Guid Id { get; init; }

    public required string Program { get; init; }

    public Guid ProgramId { get; init; }

    public required string SurveyKey { get; init; }

    /// <summary>The survey version the member is asked.</summary>
    public Guid SurveyId { get; init; }

    public Guid MemberId { get; init; }

    public required string Trigger { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset SendAt { get; init; }

    public DateTimeOffset? InvitedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? RespondedAt { get; set; }

    /// <summary>When the member was erased: the answered send stays for response rates, its link answers 410.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<SurveySend>(send =>
    {
        send.ToTable("SurveySends");
        send.HasKey(s => s.Id);
        send.Property(s => s.Program).HasMaxLength(50);
        send.Property(s => s.SurveyKey).HasMaxLength(50);
        send.Property(s => s.Trigger).HasMaxLength(MaxTriggerLength);
        send.HasIndex(s => new { s.Program, s.SurveyKey, s.MemberId, s.Trigger }).IsUnique();
        send.HasIndex(s => new { s.InvitedAt, s.SendAt });
        send.HasIndex(s => s.MemberId);
    });
}
