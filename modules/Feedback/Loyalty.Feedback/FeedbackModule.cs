using Loyalty.Feedback.Analytics;
using Loyalty.Feedback.Contracts;
using Loyalty.Feedback.Answering;
using Loyalty.Feedback.Distribution;
using Loyalty.Feedback.Jobs;
using Loyalty.Feedback.Persistence;
using Loyalty.Feedback.PersonalData;
using Loyalty.Feedback.Reviews;
using Loyalty.Feedback.Surveys;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Contracts;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Modules;
using Loyalty.Shared.Persistence;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Loyalty.Feedback;

/// <summary>Surveys, NPS and reviews.</summary>
public sealed class FeedbackModule : LoyaltyModule
{
    public override string Name => FeedbackDbContext.SchemaName;

    public override void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<FeedbackDbContext, SqliteFeedbackDbContext, PostgresFeedbackDbContext, SqlServerFeedbackDbContext>(
            configuration, Name);
        services.AddDataProtection();
        services.AddOptions<FeedbackOptions>().Bind(configuration.GetSection(FeedbackOptions.Section));
        services.AddSingleton<SurveyLinks>();
        services.AddScoped<SurveyInvitations>();
        services.AddIntegrationEventHandler<PurchaseRecorded, ScheduleSurveysAfterPurchase, FeedbackDbContext>();
        services.AddScoped<IPersonalDataProvider, FeedbackPersonalData>();
        services.AddScoped<IMemberSurveyAnswers, MemberSurveyAnswers>();
        services.AddScoped<ISurveyParticipation, SurveyParticipationQuery>();
    }

    public override void AddJobs(IQuartzBuilder quartz)
    {
        quartz.AddJob<InviteDueSurveySendsJob>(job => job.WithIdentity(InviteDueSurveySendsJob.Key));
        quartz.AddTrigger<InviteDueSurveySendsJob>(trigger => trigger
            .ForJob(InviteDueSurveySendsJob.Key)
            .WithIdentity($"{InviteDueSurveySendsJob.Key.Name}.every-minute", Name)
            .WithCronSchedule("0 * * * * ?"));
    }

    public override void MapEndpoints(RouteGroupBuilder api)
    {
        api.MapSurveyEndpoints();
        api.MapSendEndpoints();
        api.MapAnswerEndpoints();
        api.MapAnalyticsEndpoints();
        api.MapReviewEndpoints();
    }
}
