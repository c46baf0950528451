using Loyalty.Members.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Loyalty.Members.Tiers;

/// <summary>
/// Evaluates the members whose evaluation is due (the end of their rolling window, or of the calendar year) and
/// moves them down by at most the program's number of levels. Members are read in keyset pages; each member is
/// evaluated and moved on to its next evaluation date in one transaction, guarded by the tier state's version, so a
/// second run, or another node, finds nothing left to do.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class EvaluateTiersJob(MembersDbContext db, TierEvaluation tiers, TimeProvider clock, ILogger<EvaluateTiersJob> logger) : IJob
{
    public const int BatchSize = 500;

    public static readonly JobKey Key = new(nameof(EvaluateTiersJob), MembersDbContext.SchemaName);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var programs = await db.TierSettings.AsNoTracking()
            .Join(db.Programs.AsNoTracking(), s => s.ProgramId, p => p.Id, (settings, program) => new { settings, program })
            .ToListAsync(cancellationToken);
        var evaluated = 0;
        foreach (var (settings, program) in programs.Select(p => (p.settings, p.program)))
        {
            Guid? after = null;
            while (true)
            {
                var batch = await db.MemberTiers.AsNoTracking()
                    .Where(s => s.ProgramId == program.Id && s.NextEvaluationAt <= now && (after == null || s.MemberId.CompareTo(after.Value) > 0))
                    .OrderBy(s => s.MemberId)
                    .Select(s => s.MemberId)
                    .Take(BatchSize)
                    .ToListAsync(cancellationToken);
                foreach (var memberId in batch)
                {
                    evaluated += await tiers.EvaluateAsync(program, settings, memberId, cancellationToken) ? 1 : 0;
                }

                if (batch.Count < BatchSize)
                {
                    break;
                }

                after = batch[^1];
            }
        }

        logger.LogInformation("Evaluated the tiers of {Members} members", evaluated);
    }
}
