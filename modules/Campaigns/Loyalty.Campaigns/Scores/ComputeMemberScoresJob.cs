using Loyalty.Campaigns.Persistence;
using Loyalty.Members.Contracts;
using Quartz;

namespace Loyalty.Campaigns.Scores;

/// <summary>
/// Daily: computes the scores of every program whose last run started 20 hours ago or more, and takes over a run a
/// stopped node left (see <see cref="ScoreComputation"/>); on several nodes each program is claimed by one.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class ComputeMemberScoresJob(ScoreComputation computation, ILoyaltyPrograms programs) : IJob
{
    public static readonly JobKey Key = new(nameof(ComputeMemberScoresJob), CampaignsDbContext.SchemaName);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        foreach (var program in await programs.CodesAsync(cancellationToken))
        {
            await computation.RunAsync(program, cancellationToken);
        }
    }
}
