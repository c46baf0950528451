using Loyalty.Campaigns.Activities;
using Loyalty.Campaigns.Persistence;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.Integration;

/// <summary>
/// Queues the built-in <c>enrollment</c> activity for a new member under the external id <c>enrollment:{memberId}</c>,
/// which <see cref="Jobs.RecordPendingActivitiesJob"/> records; the id makes a repeated event earn nothing twice.
/// </summary>
internal sealed class FireEnrollmentActivityOnMemberEnrolled(CampaignsDbContext db, IActivityPoints members, TimeProvider clock)
    : IIntegrationEventHandler<MemberEnrolled>
{
    public async Task HandleAsync(MemberEnrolled integrationEvent, CancellationToken cancellationToken)
    {
        if (await members.ProgramCodeAsync(integrationEvent.ProgramId, cancellationToken) is not { } program)
        {
            return;
        }

        var externalId = $"enrollment:{integrationEvent.MemberId:N}";
        if (await db.PendingActivities.AnyAsync(p => p.Program == program && p.ExternalId == externalId, cancellationToken))
        {
            return;
        }

        db.PendingActivities.Add(new PendingActivity
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()),
            Program = program,
            ExternalId = externalId,
            MemberId = integrationEvent.MemberId,
            Type = ActivityTriggers.Enrollment,
            OccurredAt = integrationEvent.OccurredAt,
            QueuedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);
    }
}
