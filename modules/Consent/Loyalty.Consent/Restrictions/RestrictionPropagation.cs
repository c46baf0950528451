using System.Text.Json;
using Loyalty.Consent.Contracts;
using Loyalty.Consent.Persistence;
using Loyalty.Consent.Requests;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Restrictions;

/// <summary>
/// Tells every <see cref="IRestrictionRecipient"/> that a restriction was marked or lifted (Art. 19), and records each
/// answer as a recipient step of the restriction request (<c>crm connections</c>, or <c>crm connections (lift)</c>),
/// so the DPO sees per recipient what was done. A recipient that fails is recorded as failed, with its error type only,
/// and asked again later (<see cref="RetryFailedAsync"/>).
/// </summary>
internal sealed class RestrictionPropagation(ConsentDbContext db, IEnumerable<IRestrictionRecipient> recipients, TimeProvider clock)
{
    public const string LiftSuffix = " (lift)";

    /// <summary>The wait after the first failed attempt; it doubles with each attempt, up to <see cref="LongestWait"/>.</summary>
    public static readonly TimeSpan FirstWait = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);

    public async Task PropagateAsync(Guid requestId, Guid memberId, bool restricted, CancellationToken cancellationToken)
    {
        foreach (var recipient in recipients)
        {
            var step = new RequestStep
            {
                Id = Guid.CreateVersion7(clock.GetUtcNow()), RequestId = requestId, Kind = StepKind.Recipient,
                Name = restricted ? recipient.Name : recipient.Name + LiftSuffix, Attempts = 1,
            };
            await AskAsync(recipient, step, memberId, restricted, cancellationToken);
            db.RequestSteps.Add(step);
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Asks each recipient whose answer failed again, once its wait is over, while the answer still matters: a
    /// restriction's while its mark holds (after a lift, the lift's own step is what counts), a lift's always.
    /// </summary>
    /// <returns>How many failed steps were retried, and how many of them are done now.</returns>
    public async Task<(int Retried, int Done)> RetryFailedAsync(CancellationToken cancellationToken)
    {
        var failed = await (
            from step in db.RequestSteps
            join mark in db.ProcessingMarks on step.RequestId equals mark.RequestId
            where step.Kind == StepKind.Recipient && step.Status == StepStatus.Failed && mark.Kind == MarkKind.Restriction
            select new { Step = step, mark.MemberId, Lifted = mark.LiftedAt != null })
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var (retried, done) = (0, 0);
        foreach (var candidate in failed)
        {
            var lift = candidate.Step.Name.EndsWith(LiftSuffix, StringComparison.Ordinal);
            var name = lift ? candidate.Step.Name[..^LiftSuffix.Length] : candidate.Step.Name;
            if (lift != candidate.Lifted || candidate.Step.CompletedAt + WaitAfter(candidate.Step.Attempts) > now
                || recipients.FirstOrDefault(r => r.Name == name) is not { } recipient)
            {
                continue;
            }

            candidate.Step.Attempts++;
            await AskAsync(recipient, candidate.Step, candidate.MemberId, restricted: !lift, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            retried++;
            done += candidate.Step.Status == StepStatus.Failed ? 0 : 1;
        }

        return (retried, done);
    }

    private static TimeSpan WaitAfter(int attempts) =>
        attempts >= 10 ? LongestWait : TimeSpan.FromTicks(Math.Min(FirstWait.Ticks << (attempts - 1), LongestWait.Ticks));

    private async Task AskAsync(IRestrictionRecipient recipient, RequestStep step, Guid memberId, bool restricted, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await recipient.RestrictAsync(memberId, restricted, cancellationToken);
            (step.Status, step.Error, step.Report) = (answer.Done ? StepStatus.Done : StepStatus.NotApplicable, null, JsonSerializer.Serialize(answer, JsonSerializerOptions.Web));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The type only: a message may quote the member's data, and steps are shown to every DPO.
            (step.Status, step.Error) = (StepStatus.Failed, e.GetType().Name);
        }

        step.CompletedAt = clock.GetUtcNow();
    }
}
