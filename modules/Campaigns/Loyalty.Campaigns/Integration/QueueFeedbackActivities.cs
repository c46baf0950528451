using Loyalty.Campaigns.Activities;
using Loyalty.Campaigns.Persistence;
using Loyalty.Feedback.Contracts;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.Integration;

/// <summary>
/// Queues the built-in <c>surveyCompleted</c> activity under <c>survey:{responseId}</c>, recorded by
/// <see cref="Jobs.RecordPendingActivitiesJob"/> like an enrolment; the id makes a repeated event earn nothing twice.
/// </summary>
internal sealed class RecordSurveyActivityOnSurveyCompleted(CampaignsDbContext db, IActivityPoints members, TimeProvider clock)
    : IIntegrationEventHandler<SurveyCompleted>
{
    public Task HandleAsync(SurveyCompleted integrationEvent, CancellationToken cancellationToken) =>
        FeedbackActivity.QueueAsync(db, members, clock, integrationEvent.ProgramId, integrationEvent.MemberId,
            $"survey:{integrationEvent.ResponseId:N}", ActivityTriggers.SurveyCompleted, integrationEvent.OccurredAt, cancellationToken);
}

/// <summary>Queues the built-in <c>reviewWritten</c> activity under <c>review:{reviewId}</c> once a review is approved.</summary>
internal sealed class RecordReviewActivityOnReviewApproved(CampaignsDbContext db, IActivityPoints members, TimeProvider clock)
    : IIntegrationEventHandler<ReviewApproved>
{
    public Task HandleAsync(ReviewApproved integrationEvent, CancellationToken cancellationToken) =>
        FeedbackActivity.QueueAsync(db, members, clock, integrationEvent.ProgramId, integrationEvent.MemberId,
            $"review:{integrationEvent.ReviewId:N}", ActivityTriggers.ReviewWritten, integrationEvent.OccurredAt, cancellationToken);
}

internal static class FeedbackActivity
{
    public static async Task QueueAsync(
        CampaignsDbContext db, IActivityPoints members, TimeProvider clock, Guid programId, Guid memberId, string externalId, string type, DateTimeOffset occurredAt,
        CancellationToken cancellationToken)
    {
        if (await members.ProgramCodeAsync(programId, cancellationToken) is not { } program
            || await db.PendingActivities.AnyAsync(p => p.Program == program && p.ExternalId == externalId, cancellationToken))
        {
            return;
        }

        db.PendingActivities.Add(new PendingActivity
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()),
            Program = program,
            ExternalId = externalId,
            MemberId = memberId,
            Type = type,
            OccurredAt = occurredAt,
            QueuedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);
    }
}
