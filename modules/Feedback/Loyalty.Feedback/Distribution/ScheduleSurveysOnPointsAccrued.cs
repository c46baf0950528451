using Loyalty.Feedback.Persistence;
using Loyalty.Feedback.Surveys;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Feedback.Distribution;

/// <summary>
/// A purchase (points accrued for a transaction) schedules every published survey of the program that has
/// <c>sendHoursAfterPurchase</c>: a send under the trigger <c>purchase:{transaction}</c>, due that many hours after
/// the purchase, which <see cref="Jobs.InviteDueSurveySendsJob"/> announces. The trigger makes a repeated event send
/// nothing twice.
/// </summary>
internal sealed class ScheduleSurveysOnPointsAccrued(FeedbackDbContext db, SurveyInvitations invitations, IActivityPoints programs)
    : IIntegrationEventHandler<PointsAccrued>
{
    public const string PurchaseReference = "transaction";

    public async Task HandleAsync(PointsAccrued integrationEvent, CancellationToken cancellationToken)
    {
        if (integrationEvent.ReferenceType != PurchaseReference || await programs.ProgramCodeAsync(integrationEvent.ProgramId, cancellationToken) is not { } program)
        {
            return;
        }

        var surveys = await db.Surveys.AsNoTracking().Where(s => s.Program == program && s.Status == SurveyStatus.Published).ToListAsync(cancellationToken);
        foreach (var survey in surveys)
        {
            if (survey.Parsed().SendHoursAfterPurchase is { } hours)
            {
                await invitations.SendAsync(
                    survey, integrationEvent.ProgramId, integrationEvent.MemberId, $"purchase:{integrationEvent.ReferenceId}",
                    integrationEvent.OccurredAt.AddHours(hours), cancellationToken);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
