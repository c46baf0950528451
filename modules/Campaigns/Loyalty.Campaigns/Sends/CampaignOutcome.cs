using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.Sends;

internal enum OutcomeKind
{
    PointsEarned,
    VoucherRedeemed,
}

/// <summary>
/// Something a member did that campaign statistics compare between recipients and the hold-out group: points credited
/// (<c>PointsAccrued</c>) or a voucher used at the point of sale (<c>VoucherUsed</c>). Kept only for members who were
/// sent a campaign message or held out of one, by the event's id (so a repeated event counts once) and the member's
/// pseudonymous id.
/// </summary>
internal sealed class CampaignOutcome
{
    public Guid EventId { get; init; }

    public required string Program { get; init; }

    public Guid MemberId { get; init; }

    public OutcomeKind Kind { get; init; }

    /// <summary>Points for <see cref="OutcomeKind.PointsEarned"/>; 1 for a voucher.</summary>
    public long Amount { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<CampaignOutcome>(outcome =>
    {
        outcome.ToTable("CampaignOutcomes");
        outcome.HasKey(o => o.EventId);
        outcome.Property(o => o.Program).HasMaxLength(50);
        outcome.Property(o => o.Kind).HasConversion<string>().HasMaxLength(20);
        outcome.HasIndex(o => new { o.Program, o.MemberId, o.Kind, o.OccurredAt });
        // Export finds a member's outcomes by member alone.
        outcome.HasIndex(o => o.MemberId);
    });
}
