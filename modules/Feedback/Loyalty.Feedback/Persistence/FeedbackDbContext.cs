using Loyalty.Feedback.Answering;
using Loyalty.Feedback.Distribution;
using Loyalty.Feedback.Reviews;
using Loyalty.Feedback.Surveys;
using Loyalty.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Feedback.Persistence;

internal class FeedbackDbContext(DbContextOptions options) : ModuleDbContext(options, SchemaName)
{
    public const string SchemaName = "feedback";

    public DbSet<Survey> Surveys => Set<Survey>();

    public DbSet<SurveySend> Sends => Set<SurveySend>();

    public DbSet<SurveyResponse> Responses => Set<SurveyResponse>();

    public DbSet<SurveyAnswer> Answers => Set<SurveyAnswer>();

    public DbSet<Review> Reviews => Set<Review>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        Survey.Configure(modelBuilder);
        SurveySend.Configure(modelBuilder);
        SurveyResponse.Configure(modelBuilder);
        Review.Configure(modelBuilder);
    }
}

// One derived type per provider, so each provider's migrations live in their own folder of this assembly.
internal sealed class SqliteFeedbackDbContext(DbContextOptions<SqliteFeedbackDbContext> options) : FeedbackDbContext(options);

internal sealed class PostgresFeedbackDbContext(DbContextOptions<PostgresFeedbackDbContext> options) : FeedbackDbContext(options);

internal sealed class SqlServerFeedbackDbContext(DbContextOptions<SqlServerFeedbackDbContext> options) : FeedbackDbContext(options);
