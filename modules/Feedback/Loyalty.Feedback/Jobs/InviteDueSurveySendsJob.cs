using Loyalty.Feedback.Distribution;
using Loyalty.Feedback.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Loyalty.Feedback.Jobs;

/// <summary>
/// Announces the sends that have come due (<see cref="Contracts.SurveyInvitationCreated"/>), a batch per transaction:
/// a send is marked invited in the same transaction as its event, so each is announced once, and a run that stops
/// half-way leaves the rest for the next minute.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class InviteDueSurveySendsJob(FeedbackDbContext db, SurveyInvitations invitations, TimeProvider clock, ILogger<InviteDueSurveySendsJob> logger) : IJob
{
    public static readonly JobKey Key = new(nameof(InviteDueSurveySendsJob), FeedbackDbContext.SchemaName);

    private const int BatchSize = 200;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var invited = 0;
        while (true)
        {
            var now = clock.GetUtcNow();
            var due = await db.Sends.AsNoTracking().Where(s => s.InvitedAt == null && s.SendAt <= now && s.ExpiresAt > now)
                .OrderBy(s => s.SendAt).Take(BatchSize).ToListAsync(cancellationToken);
            if (due.Count == 0)
            {
                break;
            }

            var versions = await db.Surveys.Where(s => due.Select(d => d.SurveyId).Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Version, cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var send in due)
            {
                // A run started by hand (or on another node) may have announced it meanwhile: only the run that marks it announces it.
                if (await db.Sends.Where(s => s.Id == send.Id && s.InvitedAt == null).ExecuteUpdateAsync(set => set.SetProperty(s => s.InvitedAt, now), cancellationToken) == 1)
                {
                    invitations.Announce(send, versions[send.SurveyId]);
                    invited++;
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        if (invited > 0)
        {
            LogInvited(logger, invited);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Survey sends announced: {Count}")]
    private static partial void LogInvited(ILogger logger, int count);
}
