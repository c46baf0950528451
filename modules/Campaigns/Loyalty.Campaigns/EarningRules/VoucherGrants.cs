using Loyalty.Campaigns.Contracts;
using Loyalty.Campaigns.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.EarningRules;

/// <summary>
/// A voucher an applied rule grants, queued for <see cref="Jobs.IssueVoucherGrantsJob"/>. Issuing writes to Rewards in a
/// transaction of its own, which cannot run inside the transaction that records the grant's cause (the outbox
/// dispatcher's delivery of <c>PointsAccrued</c>, or the activity's save), so the queue row is written there instead and
/// the voucher follows only a purchase or activity that was really recorded. <see cref="Reference"/> is the grant's id in
/// Rewards (one voucher per reference), so a retry never issues twice.
/// </summary>
internal sealed class PendingVoucherGrant
{
    public const int MaxReferenceLength = 200;

    public Guid Id { get; init; }

    public required string Program { get; init; }

    public Guid MemberId { get; init; }

    /// <summary><c>purchase:{externalId}:rule:{ruleId}:{version}</c> or <c>activity:{externalId}:rule:{ruleId}:{version}</c>.</summary>
    public required string Reference { get; init; }

    public Guid RewardId { get; init; }

    public Guid RuleId { get; init; }

    public int RuleVersion { get; init; }

    public DateTimeOffset QueuedAt { get; init; }

    /// <summary>Runs that failed with an error; the grant stays queued and is tried again.</summary>
    public int Attempts { get; set; }

    public static string PurchaseReference(string externalId, Guid ruleId, int version) => $"purchase:{externalId}:rule:{ruleId}:{version}";

    public static string ActivityReference(string externalId, Guid ruleId, int version) => $"activity:{externalId}:rule:{ruleId}:{version}";

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<PendingVoucherGrant>(grant =>
    {
        grant.ToTable("PendingVoucherGrants");
        grant.HasKey(g => g.Id);
        grant.Property(g => g.Program).HasMaxLength(50);
        grant.Property(g => g.Reference).HasMaxLength(MaxReferenceLength);
        grant.HasIndex(g => new { g.Program, g.Reference }).IsUnique();
        grant.HasIndex(g => g.QueuedAt);
    });

    /// <summary>Adds to the context (not saved) a grant for each applied rule that grants a voucher and is not queued yet.</summary>
    public static async Task QueueAsync(
        CampaignsDbContext db, string program, Guid memberId, IEnumerable<AppliedRule> rules, Func<AppliedRule, string> reference, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        foreach (var rule in rules)
        {
            if (rule.VoucherRewardId is not { } rewardId)
            {
                continue;
            }

            var id = reference(rule);
            if (await db.PendingVoucherGrants.AnyAsync(g => g.Program == program && g.Reference == id, cancellationToken))
            {
                continue;
            }

            db.PendingVoucherGrants.Add(new PendingVoucherGrant
            {
                Id = Guid.CreateVersion7(now), Program = program, MemberId = memberId, Reference = id, RewardId = rewardId,
                RuleId = rule.RuleId, RuleVersion = rule.Version, QueuedAt = now,
            });
        }
    }
}
