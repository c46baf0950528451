using Loyalty.Campaigns.Activities;
using Loyalty.Campaigns.EarningRules;
using Loyalty.Campaigns.Messaging;
using Loyalty.Campaigns.Referrals;
using Loyalty.Campaigns.Scores;
using Loyalty.Campaigns.Segments;
using Loyalty.Campaigns.Sends;
using Loyalty.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.Persistence;

internal class CampaignsDbContext(DbContextOptions options) : ModuleDbContext(options, SchemaName)
{
    public const string SchemaName = "campaigns";

    public DbSet<EarningRule> EarningRules => Set<EarningRule>();

    public DbSet<EarningRuleVersion> EarningRuleVersions => Set<EarningRuleVersion>();

    public DbSet<EarningRuleSetStamp> EarningRuleSetStamps => Set<EarningRuleSetStamp>();

    public DbSet<CapCounter> CapCounters => Set<CapCounter>();

    public DbSet<CapReservation> CapReservations => Set<CapReservation>();

    public DbSet<ActivityType> ActivityTypes => Set<ActivityType>();

    public DbSet<ActivityRecord> Activities => Set<ActivityRecord>();

    public DbSet<PendingActivity> PendingActivities => Set<PendingActivity>();

    public DbSet<PendingVoucherGrant> PendingVoucherGrants => Set<PendingVoucherGrant>();

    public DbSet<ReferralCode> ReferralCodes => Set<ReferralCode>();

    public DbSet<Referral> Referrals => Set<Referral>();

    public DbSet<ReferralSettings> ReferralSettings => Set<ReferralSettings>();

    public DbSet<Segment> Segments => Set<Segment>();

    public DbSet<SegmentMember> SegmentMembers => Set<SegmentMember>();

    public DbSet<SegmentListEntry> SegmentListEntries => Set<SegmentListEntry>();

    public DbSet<SegmentChange> SegmentChanges => Set<SegmentChange>();
    public DbSet<Campaign> Campaigns => Set<Campaign>();

    public DbSet<CampaignMessage> CampaignMessages => Set<CampaignMessage>();

    public DbSet<MessagingSettings> MessagingSettings => Set<MessagingSettings>();

    public DbSet<CampaignOutcome> CampaignOutcomes => Set<CampaignOutcome>();

    public DbSet<MemberScore> MemberScores => Set<MemberScore>();

    public DbSet<ScoreRun> ScoreRuns => Set<ScoreRun>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        EarningRule.Configure(modelBuilder);
        CapReservation.Configure(modelBuilder);
        ActivityType.Configure(modelBuilder);
        PendingActivity.Configure(modelBuilder);
        PendingVoucherGrant.Configure(modelBuilder);
        ReferralCode.Configure(modelBuilder);
        Loyalty.Campaigns.Referrals.ReferralSettings.Configure(modelBuilder);
        Segment.Configure(modelBuilder);
        Campaign.Configure(modelBuilder);
        CampaignOutcome.Configure(modelBuilder);
        Messaging.MessagingSettings.Configure(modelBuilder);
        MemberScore.Configure(modelBuilder);
    }
}

// One derived type per provider, so each provider's migrations live in their own folder of this assembly.
internal sealed class SqliteCampaignsDbContext(DbContextOptions<SqliteCampaignsDbContext> options) : CampaignsDbContext(options);

internal sealed class PostgresCampaignsDbContext(DbContextOptions<PostgresCampaignsDbContext> options) : CampaignsDbContext(options);

internal sealed class SqlServerCampaignsDbContext(DbContextOptions<SqlServerCampaignsDbContext> options) : CampaignsDbContext(options);
