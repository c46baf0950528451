using Loyalty.Campaigns.Activities;
using Loyalty.Campaigns.Contracts;
using Loyalty.Campaigns.EarningRules;
using Loyalty.Campaigns.Integration;
using Loyalty.Campaigns.Jobs;
using Loyalty.Campaigns.Messaging;
using Loyalty.Campaigns.Persistence;
using Loyalty.Campaigns.PersonalData;
using Loyalty.Campaigns.Referrals;
using Loyalty.Campaigns.Scores;
using Loyalty.Campaigns.Segments;
using Loyalty.Campaigns.Sends;
using Loyalty.Consent.Contracts;
using Loyalty.Feedback.Contracts;
using Loyalty.Members.Contracts;
using Loyalty.Rewards.Contracts;
using Loyalty.Shared.Contracts;
using Loyalty.Shared.Mail;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Modules;
using Loyalty.Shared.Persistence;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Quartz;

namespace Loyalty.Campaigns;

/// <summary>Earning rules, segments, campaigns and messaging.</summary>
public sealed class CampaignsModule : LoyaltyModule
{
    public override string Name => CampaignsDbContext.SchemaName;

    public override void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<CampaignsDbContext, SqliteCampaignsDbContext, PostgresCampaignsDbContext, SqlServerCampaignsDbContext>(
            configuration, Name);
        services.AddSingleton<EarningRuleCache>();
        services.AddScoped<ActiveRules>();
        services.AddScoped<CapReservations>();
        // Members registers its base-rate fallback with TryAdd before this module's services (LoyaltyModules.All
        // lists Members first), so this registration is the one resolved: the last one wins.
        services.AddScoped<IEarningEngine, RulesEarningEngine>();
        services.AddScoped<ActivityRecorder>();
        services.AddIntegrationEventHandler<MemberEnrolled, FireEnrollmentActivityOnMemberEnrolled, CampaignsDbContext>();
        services.AddIntegrationEventHandler<SurveyCompleted, RecordSurveyActivityOnSurveyCompleted, CampaignsDbContext>();
        services.AddIntegrationEventHandler<ReviewApproved, RecordReviewActivityOnReviewApproved, CampaignsDbContext>();
        services.Configure<ReferralOptions>(configuration.GetSection("Referrals"));
        services.AddScoped<ReferralCodes>();
        services.AddIntegrationEventHandler<MemberEnrolled, RecordReferralOnMemberEnrolled, CampaignsDbContext>();
        services.AddIntegrationEventHandler<PointsAccrued, CompleteReferralOnPointsAccrued, CampaignsDbContext>();
        services.AddIntegrationEventHandler<PointsAccrued, GrantVouchersOnPointsAccrued, CampaignsDbContext>();
        services.AddScoped<IPersonalDataProvider, CampaignsPersonalData>();
        services.AddScoped<IRetentionCategory, DeliveryLogRetention>();
        services.AddScoped<SegmentEvaluator>();
        services.AddScoped<ISegmentMembership, SegmentMembership>();
        services.AddScoped<ICampaignResults, CampaignResultsView>();
        services.Configure<MessagingOptions>(configuration.GetSection(MessagingOptions.Section));
        services.AddHttpClient(ChannelSessions.WebhookClient);
        services.AddSingleton<MessageLinks>();
        services.AddSingleton<ChannelSessions>();
        services.AddScoped<CampaignSender>();
        services.AddScoped<CampaignTriggers>();
        services.AddIntegrationEventHandler<MemberEnrolled, QueueTriggeredMessagesOnMemberEnrolled, CampaignsDbContext>();
        services.AddIntegrationEventHandler<TierChanged, QueueTriggeredMessagesOnTierChanged, CampaignsDbContext>();
        services.AddIntegrationEventHandler<SurveyCompleted, QueueTriggeredMessagesOnSurveyCompleted, CampaignsDbContext>();
        services.AddIntegrationEventHandler<PointsAccrued, RecordCampaignOutcomeOnPointsAccrued, CampaignsDbContext>();
        services.AddIntegrationEventHandler<VoucherUsed, RecordCampaignOutcomeOnVoucherUsed, CampaignsDbContext>();
        services.Configure<ScoreOptions>(configuration.GetSection(ScoreOptions.Section));
        services.AddScoped<ScoreComputation>();
    }

    public override void AddJobs(IQuartzBuilder quartz)
    {
        quartz.AddJob<SettleCapReservationsJob>(job => job.WithIdentity(SettleCapReservationsJob.Key));
        quartz.AddTrigger<SettleCapReservationsJob>(trigger => trigger
            .ForJob(SettleCapReservationsJob.Key)
            .WithIdentity($"{SettleCapReservationsJob.Key.Name}.every-minute", Name)
            .WithCronSchedule("0 * * * * ?"));
        quartz.AddJob<RecordPendingActivitiesJob>(job => job.WithIdentity(RecordPendingActivitiesJob.Key));
        quartz.AddTrigger<RecordPendingActivitiesJob>(trigger => trigger
            .ForJob(RecordPendingActivitiesJob.Key)
            .WithIdentity($"{RecordPendingActivitiesJob.Key.Name}.every-minute", Name)
            .WithCronSchedule("30 * * * * ?"));
        quartz.AddJob<IssueVoucherGrantsJob>(job => job.WithIdentity(IssueVoucherGrantsJob.Key));
        quartz.AddTrigger<IssueVoucherGrantsJob>(trigger => trigger
            .ForJob(IssueVoucherGrantsJob.Key)
            .WithIdentity($"{IssueVoucherGrantsJob.Key.Name}.every-minute", Name)
            .WithCronSchedule("45 * * * * ?"));
        quartz.AddJob<FireBirthdayActivitiesJob>(job => job.WithIdentity(FireBirthdayActivitiesJob.Key));
        quartz.AddTrigger<FireBirthdayActivitiesJob>(trigger => trigger
            .ForJob(FireBirthdayActivitiesJob.Key)
            .WithIdentity($"{FireBirthdayActivitiesJob.Key.Name}.hourly", Name)
            .WithCronSchedule("0 10 * * * ?"));
        quartz.AddJob<FireCampaignTriggersJob>(job => job.WithIdentity(FireCampaignTriggersJob.Key));
        quartz.AddTrigger<FireCampaignTriggersJob>(trigger => trigger
            .ForJob(FireCampaignTriggersJob.Key)
            .WithIdentity($"{FireCampaignTriggersJob.Key.Name}.hourly", Name)
            .WithCronSchedule("0 20 * * * ?"));
        quartz.AddJob<EvaluateSegmentsJob>(job => job.WithIdentity(EvaluateSegmentsJob.Key));
        quartz.AddTrigger<EvaluateSegmentsJob>(trigger => trigger
            .ForJob(EvaluateSegmentsJob.Key)
            .WithIdentity($"{EvaluateSegmentsJob.Key.Name}.every-minute", Name)
            .WithCronSchedule("15 * * * * ?"));
        quartz.AddJob<SendCampaignsJob>(job => job.WithIdentity(SendCampaignsJob.Key));
        quartz.AddTrigger<SendCampaignsJob>(trigger => trigger
            .ForJob(SendCampaignsJob.Key)
            .WithIdentity($"{SendCampaignsJob.Key.Name}.every-15-seconds", Name)
            .WithCronSchedule("5/15 * * * * ?"));
        quartz.AddJob<ComputeMemberScoresJob>(job => job.WithIdentity(ComputeMemberScoresJob.Key));
        quartz.AddTrigger<ComputeMemberScoresJob>(trigger => trigger
            .ForJob(ComputeMemberScoresJob.Key)
            .WithIdentity($"{ComputeMemberScoresJob.Key.Name}.daily", Name)
            .WithCronSchedule("0 30 2 * * ?"));
    }

    public override void AddHealthChecks(IHealthChecksBuilder checks) =>
        checks.Add(new HealthCheckRegistration(
            "smtp-campaigns", sp => new SmtpHealthCheck(() => sp.GetRequiredService<IOptions<MessagingOptions>>().Value.Smtp), HealthStatus.Degraded, []));

    public override void MapEndpoints(RouteGroupBuilder api)
    {
        api.MapCampaignEndpoints();
        api.MapTrackingEndpoints();
        api.MapEarningRuleEndpoints();
        api.MapActivityEndpoints();
        api.MapReferralEndpoints();
        api.MapReferralSettingsEndpoints();
        api.MapSegmentEndpoints();
        api.MapScoreEndpoints();
    }
}
