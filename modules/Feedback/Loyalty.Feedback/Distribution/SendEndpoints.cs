using System.Text.Json.Serialization;
using Loyalty.Feedback.Persistence;
using Loyalty.Feedback.Surveys;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Feedback.Distribution;

/// <param name="Trigger">The sender's id for why the member is asked (a campaign run), unique per member: a repeat sends nothing new.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record SendSurveyRequest(Guid? MemberId, string? Trigger);

internal sealed record SurveySendDto(Guid Id, Guid MemberId, string Trigger, int SurveyVersion, string Link, DateTimeOffset ExpiresAt, DateTimeOffset? RespondedAt);

internal sealed record AnonymousLinkDto(string Link);

internal static class SendEndpoints
{
    public static void MapSendEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/programs/{program}/surveys/{key}/sends", Send).RequireAuthorization(Policies.Integrate)
            .WithExample("Ask a member after a campaign (idempotent on memberId and trigger)", new SendSurveyRequest(Guid.Parse("0193a1b2-0000-7000-8000-000000000001"), "campaign-2026-12"));
        api.MapGet("/programs/{program}/surveys/{key}/anonymous-link", AnonymousLink).RequireAuthorization(Policies.ViewPrograms);
    }

    private static async Task<Results<Created<SurveySendDto>, Ok<SurveySendDto>, ProblemHttpResult, ValidationProblem>> Send(
        string program, string key, SendSurveyRequest request, FeedbackDbContext db, SurveyInvitations invitations, SurveyLinks links,
        IMemberPoints members, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors()
            .Check(request.MemberId is not null, "memberId", "Give the member's id.")
            .Check(!string.IsNullOrWhiteSpace(request.Trigger) && request.Trigger.Length <= SurveySend.MaxTriggerLength - 10, "trigger", "Give 1-90 characters naming why the member is asked.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await SurveyEndpoints.PublishedAsync(db, program, key, cancellationToken) is not { } survey)
        {
            return await SurveyEndpoints.LatestAsync(db, program, key, cancellationToken) is null
                ? FeedbackProblems.Problem(FeedbackProblems.UnknownSurvey, $"There is no survey '{key}'.")
                : FeedbackProblems.Problem(FeedbackProblems.NotPublished, $"Publish survey '{key}' before sending it.");
        }

        if (await members.FindStandingAsync(program, request.MemberId!.Value, cancellationToken) is not { } member)
        {
            return FeedbackProblems.Problem(FeedbackProblems.UnknownMember, "The program has no such member.");
        }

        var (send, isNew) = await invitations.SendAsync(survey, member.ProgramId, member.MemberId, $"api:{request.Trigger}", clock.GetUtcNow(), cancellationToken);
        if (isNew)
        {
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // The same send, asked twice at once: the other request made it.
                db.ChangeTracker.Clear();
                (send, _) = await invitations.SendAsync(survey, member.ProgramId, member.MemberId, $"api:{request.Trigger}", clock.GetUtcNow(), cancellationToken);
                isNew = false;
            }
        }

        var version = send.SurveyId == survey.Id ? survey.Version : await db.Surveys.Where(s => s.Id == send.SurveyId).Select(s => s.Version).SingleAsync(cancellationToken);
        var dto = new SurveySendDto(send.Id, send.MemberId, request.Trigger!, version, links.Link(send.Id), send.ExpiresAt, send.RespondedAt);
        return isNew ? TypedResults.Created($"/api/feedback/programs/{program}/surveys/{key}/sends/{send.Id}", dto) : TypedResults.Ok(dto);
    }

    private static async Task<Results<Ok<AnonymousLinkDto>, ProblemHttpResult>> AnonymousLink(string program, string key, FeedbackDbContext db, CancellationToken cancellationToken)
    {
        if (await SurveyEndpoints.PublishedAsync(db, program, key, cancellationToken) is not { } survey)
        {
            return FeedbackProblems.Problem(FeedbackProblems.NotPublished, $"Survey '{key}' has no published version.");
        }

        return survey.Parsed().AllowAnonymous == true
            ? TypedResults.Ok(new AnonymousLinkDto(SurveyLinks.AnonymousPath(program, key)))
            : FeedbackProblems.Problem(FeedbackProblems.NotPublished, $"Survey '{key}' does not allow anonymous answers; set allowAnonymous.");
    }
}
