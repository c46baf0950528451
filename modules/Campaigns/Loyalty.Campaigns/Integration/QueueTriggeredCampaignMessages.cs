using Loyalty.Campaigns.Sends;
using Loyalty.Feedback.Contracts;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Messaging;

namespace Loyalty.Campaigns.Integration;

/// <summary>Queues the <c>enrollment</c> campaigns' message for a new member, once (occurrence <c>enrollment</c>).</summary>
internal sealed class QueueTriggeredMessagesOnMemberEnrolled(CampaignTriggers triggers, IActivityPoints members) : IIntegrationEventHandler<MemberEnrolled>
{
    public async Task HandleAsync(MemberEnrolled integrationEvent, CancellationToken cancellationToken)
    {
        if (await members.ProgramCodeAsync(integrationEvent.ProgramId, cancellationToken) is { } program)
        {
            await triggers.FireAsync(program, CampaignTrigger.Enrollment, integrationEvent.MemberId, "enrollment", cancellationToken);
        }
    }
}

/// <summary>Queues the <c>tierUpgrade</c> or <c>tierDowngrade</c> campaigns' message, once per tier change (occurrence <c>tier:{event id}</c>).</summary>
internal sealed class QueueTriggeredMessagesOnTierChanged(CampaignTriggers triggers, IActivityPoints members) : IIntegrationEventHandler<TierChanged>
{
    public async Task HandleAsync(TierChanged integrationEvent, CancellationToken cancellationToken)
    {
        CampaignTrigger? trigger = integrationEvent.Reason switch
        {
            "Upgrade" => CampaignTrigger.TierUpgrade,
            "Downgrade" => CampaignTrigger.TierDowngrade,
            _ => null,
        };
        if (trigger is not null && await members.ProgramCodeAsync(integrationEvent.ProgramId, cancellationToken) is { } program)
        {
            await triggers.FireAsync(program, trigger.Value, integrationEvent.MemberId, $"tier:{integrationEvent.EventId:N}", cancellationToken);
        }
    }
}

/// <summary>Queues the <c>surveyAnswered</c> campaigns' message, once per response (occurrence <c>survey:{response id}</c>).</summary>
internal sealed class QueueTriggeredMessagesOnSurveyCompleted(CampaignTriggers triggers, IActivityPoints members) : IIntegrationEventHandler<SurveyCompleted>
{
    public async Task HandleAsync(SurveyCompleted integrationEvent, CancellationToken cancellationToken)
    {
        if (await members.ProgramCodeAsync(integrationEvent.ProgramId, cancellationToken) is { } program)
        {
            await triggers.FireAsync(program, CampaignTrigger.SurveyAnswered, integrationEvent.MemberId, $"survey:{integrationEvent.ResponseId:N}", cancellationToken);
        }
    }
}
