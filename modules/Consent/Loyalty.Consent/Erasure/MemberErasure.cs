using System.Text.Json;
using Loyalty.Consent.Contracts;
using Loyalty.Consent.Persistence;
using Loyalty.Consent.Requests;
using Loyalty.Consent.Suppression;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Consent.Erasure;

/// <summary>
/// Runs an erasure request (Art. 17, 19) in steps, so a crash or a failing module leaves the request where it was and
/// the next run (the endpoint again, or the retry job) goes on from there: first the member's identifiers go on the
/// suppression list (while they can still be read) and the steps are recorded, then every module erases in a
/// transaction of its own and its report is kept, then every recipient is told. Each module's erasure is idempotent,
/// so a step that ran but was not recorded as done runs again harmlessly; that is why the modules' outcomes share one
/// commit. An erasure a person asked for is written to the <see cref="ErasureJournal"/> first.
/// </summary>
internal sealed class MemberErasure(
    ConsentDbContext db, IServiceProvider services, IMemberIdentities identities, SuppressionList suppression, ErasureJournal journal, AuditTrail audit,
    TimeProvider clock)
{
    /// <summary>The name of the recipient step recorded when no recipient (no connected CRM) is registered.</summary>
    public const string NoRecipient = "no connected CRM";

    /// <summary>Goes as far as it can; true when every module and recipient is done and the request completed.</summary>
    public async Task<bool> RunAsync(DataSubjectRequest request, CancellationToken cancellationToken)
    {
        var memberId = request.MemberId!.Value;
        if (request.SuppressedAt is null)
        {
            // An erasure for a retention policy was not the person's wish: they may enrol again, so nothing is suppressed.
            var suppress = !Retention.RetentionErasure.IsRetention(request);
            if (suppress)
            {
                // Before anything is erased, so that no erasure is missing from the journal when a backup is restored.
                await journal.RecordAsync(new ErasureJournalEntry(request.Id, memberId, request.ReceivedAt, clock.GetUtcNow()), cancellationToken);
            }

            if (suppress && await identities.FindAsync(memberId, cancellationToken) is { } identity)
            {
                await suppression.AddAsync(identity, request.Id, cancellationToken);
            }

            request.SuppressedAt = clock.GetUtcNow();
            request.WorkPending = true;
            audit.Record(db, "consent.request.suppressed", "request", request.Id.ToString(), new { memberId, suppressed = suppress });
        }

        await using var scope = services.CreateAsyncScope();
        var modules = scope.ServiceProvider.GetServices<IPersonalDataProvider>().Select(p => p.Module).Order(StringComparer.Ordinal).ToList();
        var recipients = scope.ServiceProvider.GetServices<IErasureRecipient>().ToList();
        var steps = await db.RequestSteps.Where(s => s.RequestId == request.Id && s.Kind != StepKind.Export).ToListAsync(cancellationToken);
        foreach (var module in modules)
        {
            AddStep(steps, request, StepKind.Erasure, module);
        }

        foreach (var name in recipients.Count == 0 ? [NoRecipient] : recipients.Select(r => r.Name))
        {
            AddStep(steps, request, StepKind.Recipient, name);
        }

        // One commit for the suppression list and every step, before any module erases: the identifiers are hashed while
        // they can still be read, and a failure later leaves the steps to show where the request stands.
        await db.SaveChangesAsync(cancellationToken);

        // A module's outcome is committed with the next commit rather than one of its own: its erasure is idempotent, so
        // if the node stops before that commit, the step still pending runs again harmlessly.
        var failed = false;
        foreach (var module in modules)
        {
            var step = Step(steps, StepKind.Erasure, module);
            if (step.Status == StepStatus.Done)
            {
                continue;
            }

            // A scope of its own per module: a failure leaves nothing tracked behind for the next one.
            await using var moduleScope = services.CreateAsyncScope();
            var provider = moduleScope.ServiceProvider.GetServices<IPersonalDataProvider>().Single(p => p.Module == module);
            failed |= !await RunStepAsync(step, async () => JsonSerializer.Serialize(await provider.EraseAsync(memberId, cancellationToken), JsonSerializerOptions.Web));
        }

        if (recipients.Count == 0)
        {
            var none = Step(steps, StepKind.Recipient, NoRecipient);
            if (none.Status == StepStatus.Pending)
            {
                (none.Status, none.Report, none.CompletedAt) = (StepStatus.NotApplicable,
                    JsonSerializer.Serialize(new { detail = "No CRM or other recipient is connected; nobody else received the member's data from this installation." }), clock.GetUtcNow());
            }
        }
        else
        {
            // The modules' outcomes are recorded before other systems are asked, which may take long.
            await db.SaveChangesAsync(cancellationToken);
        }

        foreach (var recipient in recipients)
        {
            var step = Step(steps, StepKind.Recipient, recipient.Name);
            if (step.Status is StepStatus.Done or StepStatus.NotApplicable)
            {
                continue;
            }

            failed |= !await RunStepAsync(step, async () =>
            {
                var answer = await recipient.EraseAsync(memberId, cancellationToken);
                step.Status = answer.Done ? StepStatus.Done : StepStatus.NotApplicable;
                return JsonSerializer.Serialize(answer, JsonSerializerOptions.Web);
            });
            await db.SaveChangesAsync(cancellationToken);
        }

        if (failed)
        {
            audit.Record(db, "consent.request.erasure-failed", "request", request.Id.ToString(),
                new { steps = steps.Where(s => s.Status == StepStatus.Failed).Select(s => s.Name) });
            await db.SaveChangesAsync(cancellationToken);
            return false;
        }

        var now = clock.GetUtcNow();
        (request.Status, request.CompletedAt, request.WorkPending) = (RequestStatus.Completed, now, false);
        audit.Record(db, "consent.request.erased", "request", request.Id.ToString(), new { memberId, modules = steps.Where(s => s.Kind == StepKind.Erasure).Select(s => s.Name) });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private static RequestStep Step(List<RequestStep> steps, StepKind kind, string name) => steps.Single(s => s.Kind == kind && s.Name == name);

    private void AddStep(List<RequestStep> steps, DataSubjectRequest request, StepKind kind, string name)
    {
        if (steps.Any(s => s.Kind == kind && s.Name == name))
        {
            return;
        }

        var step = new RequestStep { Id = Guid.CreateVersion7(clock.GetUtcNow()), RequestId = request.Id, Kind = kind, Name = name };
        db.RequestSteps.Add(step);
        steps.Add(step);
    }

    /// <summary>Runs one step and records its outcome (not committed); a step that sets its own status (a recipient) keeps it.</summary>
    private async Task<bool> RunStepAsync(RequestStep step, Func<Task<string>> run)
    {
        step.Attempts++;
        var before = step.Status;
        try
        {
            step.Report = await run();
            if (step.Status == before)
            {
                step.Status = StepStatus.Done;
            }

            (step.Error, step.CompletedAt) = (null, clock.GetUtcNow());
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The type only: a message may quote the member's data, and steps are shown to every DPO.
            (step.Status, step.Error) = (StepStatus.Failed, e.GetType().Name);
            return false;
        }
    }
}
