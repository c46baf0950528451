using Loyalty.Feedback.Persistence;
using Loyalty.Shared.Modules;
using Loyalty.Shared.Persistence;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Feedback;

/// <summary>Surveys, NPS and reviews.</summary>
public sealed class FeedbackModule : LoyaltyModule
{
    public override string Name => FeedbackDbContext.SchemaName;

    public override void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<FeedbackDbContext, SqliteFeedbackDbContext, PostgresFeedbackDbContext, SqlServerFeedbackDbContext>(
            configuration, Name);
    }

    public override void MapEndpoints(RouteGroupBuilder api)
    {
    }
}
