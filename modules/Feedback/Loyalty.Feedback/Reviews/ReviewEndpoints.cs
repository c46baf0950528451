using System.Text.Json;
using System.Text.Json.Serialization;
using Loyalty.Feedback.Contracts;
using Loyalty.Feedback.Persistence;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Feedback.Reviews;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record SubmitReviewRequest(string? ExternalId, Guid? MemberId, string? SubjectType, string? SubjectId, int? Rating, string? Text);

/// <param name="Decision"><c>approve</c> or <c>reject</c>; a rejection gives its reason.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record ModerateReviewRequest(string? Decision, string? Reason);

internal sealed record ReviewDto(Guid Id, string ExternalId, Guid MemberId, string SubjectType, string SubjectId, int Rating, string? Text, string Status, string? Reason, DateTimeOffset SubmittedAt, DateTimeOffset? ModeratedAt);

internal static class ReviewEndpoints
{
    public static void MapReviewEndpoints(this RouteGroupBuilder api)
    {
        var reviews = api.MapGroup("/programs/{program}/reviews");
        reviews.MapPost("/", Submit).RequireAuthorization(Policies.Integrate)
            .WithExample("A store review from the app (idempotent on externalId)", new SubmitReviewRequest("app-review-881", Guid.Parse("0193a1b2-0000-7000-8000-000000000001"), "store", "berlin-mitte", 5, "Lovely staff."));
        reviews.MapGet("/", List).RequireAuthorization(Policies.ViewPrograms);
        reviews.MapPost("/{id:guid}/moderation", Moderate).RequireAuthorization(Policies.ManagePrograms)
            .WithExample("Reject with a reason", new ModerateReviewRequest("reject", "Names a member of staff."));
    }

    private static async Task<Results<Created<ReviewDto>, Ok<ReviewDto>, ProblemHttpResult, ValidationProblem>> Submit(
        string program, SubmitReviewRequest request, FeedbackDbContext db, IMemberPoints members, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors()
            .Check(request.ExternalId is { Length: > 0 and <= 100 }, "externalId", "Give the review's id in your system, 1-100 characters.")
            .Check(request.MemberId is not null, "memberId", "Give the member's id.")
            .Check(request.SubjectType is "product" or "store", "subjectType", "Use product or store.")
            .Check(request.SubjectId is { Length: > 0 and <= 100 }, "subjectId", "Give the product's SKU or the store's code, 1-100 characters.")
            .Check(request.Rating is >= 1 and <= 5, "rating", "Give 1-5 stars.")
            .Check(request.Text is null || request.Text.Length <= Review.MaxTextLength, "text", $"Give at most {Review.MaxTextLength} characters.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await db.Reviews.AsNoTracking().SingleOrDefaultAsync(r => r.Program == program && r.ExternalId == request.ExternalId, cancellationToken) is { } earlier)
        {
            return Same(earlier, request)
                ? TypedResults.Ok(Dto(earlier))
                : FeedbackProblems.Problem(FeedbackProblems.ExternalIdReused, $"The external id '{request.ExternalId}' belongs to another review.");
        }

        if (await members.FindStandingAsync(program, request.MemberId!.Value, cancellationToken) is not { } member)
        {
            return FeedbackProblems.Problem(FeedbackProblems.UnknownMember, "The program has no such member.");
        }

        var now = clock.GetUtcNow();
        var review = new Review
        {
            Id = Guid.CreateVersion7(now),
            Program = program,
            ProgramId = member.ProgramId,
            ExternalId = request.ExternalId!,
            MemberId = member.MemberId,
            SubjectType = request.SubjectType!,
            SubjectId = request.SubjectId!,
            Rating = request.Rating!.Value,
            Text = string.IsNullOrWhiteSpace(request.Text) ? null : request.Text,
            Status = ReviewStatus.Pending,
            SubmittedAt = now,
        };
        db.Reviews.Add(review);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            var first = await db.Reviews.AsNoTracking().SingleAsync(r => r.Program == program && r.ExternalId == request.ExternalId, cancellationToken);
            return Same(first, request) ? TypedResults.Ok(Dto(first)) : FeedbackProblems.Problem(FeedbackProblems.ExternalIdReused, $"The external id '{request.ExternalId}' belongs to another review.");
        }

        return TypedResults.Created($"/api/feedback/programs/{program}/reviews/{review.Id}", Dto(review));
    }

    /// <summary>The moderation queue is <c>status=pending</c>, oldest first.</summary>
    private static async Task<Ok<List<ReviewDto>>> List(
        string program, string? status, string? subjectType, string? subjectId, int? skip, int? take, FeedbackDbContext db, CancellationToken cancellationToken)
    {
        var reviews = db.Reviews.AsNoTracking().Where(r => r.Program == program);
        if (Enum.TryParse<ReviewStatus>(status, ignoreCase: true, out var wanted))
        {
            reviews = reviews.Where(r => r.Status == wanted);
        }

        if (subjectType is not null)
        {
            reviews = reviews.Where(r => r.SubjectType == subjectType);
        }

        if (subjectId is not null)
        {
            reviews = reviews.Where(r => r.SubjectId == subjectId);
        }

        var page = await reviews.OrderBy(r => r.SubmittedAt).ThenBy(r => r.Id).Skip(Math.Max(skip ?? 0, 0)).Take(Math.Clamp(take ?? 50, 1, 500)).ToListAsync(cancellationToken);
        return TypedResults.Ok(page.Select(Dto).ToList());
    }

    /// <summary>Approves or rejects a pending review once; approving publishes <see cref="ReviewApproved"/> in the same transaction.</summary>
    private static async Task<Results<Ok<ReviewDto>, ProblemHttpResult, ValidationProblem>> Moderate(
        string program, Guid id, ModerateReviewRequest request, FeedbackDbContext db, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors()
            .Check(request.Decision is "approve" or "reject", "decision", "Use approve or reject.")
            .Check(request.Decision != "reject" || request.Reason is { Length: > 0 and <= 500 }, "reason", "Give the reason for a rejection, 1-500 characters.")
            .Check(request.Reason is null || request.Reason.Length <= 500, "reason", "Give at most 500 characters.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await db.Reviews.SingleOrDefaultAsync(r => r.Program == program && r.Id == id, cancellationToken) is not { } review)
        {
            return FeedbackProblems.Problem(FeedbackProblems.UnknownReview, "There is no such review.");
        }

        var status = request.Decision == "approve" ? ReviewStatus.Approved : ReviewStatus.Rejected;
        if (review.Status != ReviewStatus.Pending)
        {
            return review.Status == status && review.Reason == request.Reason
                ? TypedResults.Ok(Dto(review))
                : FeedbackProblems.Problem(FeedbackProblems.AlreadyModerated, $"The review was {review.Status.ToString().ToLowerInvariant()} already.");
        }

        var now = clock.GetUtcNow();
        review.Status = status;
        review.Reason = request.Reason;
        review.ModeratedAt = now;
        if (status == ReviewStatus.Approved)
        {
            db.Publish(new ReviewApproved(Guid.CreateVersion7(now), now, review.ProgramId, review.MemberId, review.Id, review.SubjectType, review.SubjectId, review.Rating));
        }

        audit.Record(db, $"feedback.review.{request.Decision}d", "review", review.Id.ToString(), new { program });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(Dto(review));
    }

    private static bool Same(Review review, SubmitReviewRequest request) =>
        review.MemberId == request.MemberId && review.SubjectType == request.SubjectType && review.SubjectId == request.SubjectId && review.Rating == request.Rating;

    private static ReviewDto Dto(Review r) =>
        new(r.Id, r.ExternalId, r.MemberId, r.SubjectType, r.SubjectId, r.Rating, r.Text, JsonNamingPolicy.CamelCase.ConvertName(r.Status.ToString()), r.Reason, r.SubmittedAt, r.ModeratedAt);
}
