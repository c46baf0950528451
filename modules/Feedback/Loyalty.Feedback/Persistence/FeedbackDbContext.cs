using Loyalty.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Feedback.Persistence;

internal class FeedbackDbContext(DbContextOptions options) : ModuleDbContext(options, SchemaName)
{
    public const string SchemaName = "feedback";

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
    }
}

// One derived type per provider, so each provider's migrations live in their own folder of this assembly.
internal sealed class SqliteFeedbackDbContext(DbContextOptions<SqliteFeedbackDbContext> options) : FeedbackDbContext(options);

internal sealed class PostgresFeedbackDbContext(DbContextOptions<PostgresFeedbackDbContext> options) : FeedbackDbContext(options);

internal sealed class SqlServerFeedbackDbContext(DbContextOptions<SqlServerFeedbackDbContext> options) : FeedbackDbContext(options);
