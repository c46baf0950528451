using Loyalty.Campaigns.Activities;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Campaigns.Integration;

/// <summary>
/// Fires the built-in <c>enrollment</c> activity for a new member, under the external id <c>enrollment:{memberId}</c>,
/// so a redelivered event earns nothing twice. The activity is recorded in a scope of its own: recording reserves
/// capped points and credits Members in transactions of their own, which cannot nest in the dispatcher's.
/// </summary>
internal sealed class FireEnrollmentActivityOnMemberEnrolled(IActivityPoints members, IServiceScopeFactory scopes)
    : IIntegrationEventHandler<MemberEnrolled>
{
    public async Task HandleAsync(MemberEnrolled integrationEvent, CancellationToken cancellationToken)
    {
        if (await members.ProgramCodeAsync(integrationEvent.ProgramId, cancellationToken) is not { } program)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var recorder = scope.ServiceProvider.GetRequiredService<ActivityRecorder>();
        await recorder.RecordAsync(
            program,
            new ActivityRequest($"enrollment:{integrationEvent.MemberId:N}", integrationEvent.MemberId, ActivityTriggers.Enrollment, integrationEvent.OccurredAt),
            cancellationToken);
    }
}
