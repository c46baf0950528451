using System.Text.Json;
using Loyalty.Consent.Contracts;
using Loyalty.Consent.Persistence;
using Loyalty.Consent.Requests;

namespace Loyalty.Consent.Restrictions;

/// <summary>
/// Tells every <see cref="IRestrictionRecipient"/> that a restriction was marked or lifted (Art. 19), and records each
/// answer as a recipient step of the restriction request (<c>crm connections</c>, or <c>crm connections (lift)</c>),
/// so the DPO sees per recipient what was done. A recipient that fails is recorded as failed, with its error type only.
/// </summary>
internal sealed class RestrictionPropagation(ConsentDbContext db, IEnumerable<IRestrictionRecipient> recipients, TimeProvider clock)
{
    public const string LiftSuffix = " (lift)";

    public async Task PropagateAsync(Guid requestId, Guid memberId, bool restricted, CancellationToken cancellationToken)
    {
        foreach (var recipient in recipients)
        {
            var step = new RequestStep
            {
                Id = Guid.CreateVersion7(clock.GetUtcNow()), RequestId = requestId, Kind = StepKind.Recipient,
                Name = restricted ? recipient.Name : recipient.Name + LiftSuffix, Attempts = 1,
            };
            try
            {
                var answer = await recipient.RestrictAsync(memberId, restricted, cancellationToken);
                (step.Status, step.Report) = (answer.Done ? StepStatus.Done : StepStatus.NotApplicable, JsonSerializer.Serialize(answer, JsonSerializerOptions.Web));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The type only: a message may quote the member's data, and steps are shown to every DPO.
                (step.Status, step.Error) = (StepStatus.Failed, e.GetType().Name);
            }

            step.CompletedAt = clock.GetUtcNow();
            db.RequestSteps.Add(step);
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}
