using Loyalty.Feedback.Contracts;
using Loyalty.Feedback.Persistence;
using Loyalty.Feedback.Surveys;
using Loyalty.Shared.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Loyalty.Feedback.Distribution;

/// <summary>Makes the one send of a survey per member and trigger; a repeat answers the send made first.</summary>
internal sealed class SurveyInvitations(FeedbackDbContext db, SurveyLinks links, IOptions<FeedbackOptions> options, TimeProvider clock)
{
    /// <summary>Adds the send to the context (not saved); null when the member has one for this trigger already.</summary>
    public async Task<(SurveySend Send, bool IsNew)> SendAsync(
        Survey survey, Guid programId, Guid memberId, string trigger, DateTimeOffset sendAt, CancellationToken cancellationToken)
    {
        if (await db.Sends.AsNoTracking().SingleOrDefaultAsync(
                s => s.Program == survey.Program && s.SurveyKey == survey.Key && s.MemberId == memberId && s.Trigger == trigger, cancellationToken) is { } earlier)
        {
            return (earlier, false);
        }

        var now = clock.GetUtcNow();
        var send = new SurveySend
        {
            Id = Guid.CreateVersion7(now),
            Program = survey.Program,
            ProgramId = programId,
            SurveyKey = survey.Key,
            SurveyId = survey.Id,
            MemberId = memberId,
            Trigger = trigger,
            CreatedAt = now,
            SendAt = sendAt,
            ExpiresAt = sendAt.AddDays(survey.Parsed().LinkValidDays ?? options.Value.LinkValidDays),
        };
        db.Sends.Add(send);
        if (sendAt <= now)
        {
            Invite(send, survey.Version);
        }

        return (send, true);
    }

    public void Invite(SurveySend send, int version)
    {
        send.InvitedAt = clock.GetUtcNow();
        Announce(send, version);
    }

    /// <summary>Publishes the invitation of a send already marked invited.</summary>
    public void Announce(SurveySend send, int version)
    {
        var now = clock.GetUtcNow();
        db.Publish(new SurveyInvitationCreated(
            Guid.CreateVersion7(now), now, send.ProgramId, send.MemberId, send.SurveyKey, version, send.Id, send.Trigger, links.Link(send.Id), send.ExpiresAt));
    }
}
