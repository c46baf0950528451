using Loyalty.Feedback.Persistence;
using Loyalty.Feedback.Surveys;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Feedback.Distribution;

/// <summary>
/// A recorded purchase schedules every published survey of the program that has <c>sendHoursAfterPurchase</c> (and,
/// if it names <c>purchaseStores</c>, only for a purchase in one of them): a send under the trigger
/// <c>purchase:{transaction}</c>, due that many hours after the purchase, which <see cref="Jobs.InviteDueSurveySendsJob"/>
/// announces. The trigger makes a repeated event send nothing twice.
/// </summary>
internal sealed class ScheduleSurveysAfterPurchase(FeedbackDbContext db, SurveyInvitations invitations, IActivityPoints programs)
    : IIntegrationEventHandler<PurchaseRecorded>
{
    public async Task HandleAsync(PurchaseRecorded integrationEvent, CancellationToken cancellationToken)
    {
        if (await programs.ProgramCodeAsync(integrationEvent.ProgramId, cancellationToken) is not { } program)
        {
            return;
        }

        var surveys = await db.Surveys.AsNoTracking().Where(s => s.Program == program && s.Status == SurveyStatus.Published).ToListAsync(cancellationToken);
        foreach (var survey in surveys)
        {
            var definition = survey.Parsed();
            if (definition.SendHoursAfterPurchase is { } hours && definition.TriggeredBy(integrationEvent.Store))
            {
                await invitations.SendAsync(
                    survey, integrationEvent.ProgramId, integrationEvent.MemberId, $"purchase:{integrationEvent.ExternalId}",
                    integrationEvent.PurchasedAt.AddHours(hours), cancellationToken);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
