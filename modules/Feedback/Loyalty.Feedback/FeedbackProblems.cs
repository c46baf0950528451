using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Loyalty.Feedback;

/// <summary>The refusals of the Feedback API (<c>urn:loyalty:feedback:{name}</c>, listed in docs/feedback.md).</summary>
internal static class FeedbackProblems
{
    public const string UnknownSurvey = "unknown-survey";
    public const string UnknownMember = "unknown-member";
    public const string NotPublished = "not-published";
    public const string NothingToPublish = "nothing-to-publish";
    public const string UnknownReview = "unknown-review";
    public const string ExternalIdReused = "external-id-reused";
    public const string AlreadyModerated = "already-moderated";

    private static readonly Dictionary<string, (int Status, string Title)> Types = new()
    {
        [UnknownSurvey] = (StatusCodes.Status404NotFound, "Unknown survey."),
        [UnknownMember] = (StatusCodes.Status404NotFound, "Unknown member."),
        [NotPublished] = (StatusCodes.Status409Conflict, "The survey has no published version."),
        [NothingToPublish] = (StatusCodes.Status409Conflict, "The survey has no draft to publish."),
        [UnknownReview] = (StatusCodes.Status404NotFound, "Unknown review."),
        [ExternalIdReused] = (StatusCodes.Status409Conflict, "The external id belongs to another review."),
        [AlreadyModerated] = (StatusCodes.Status409Conflict, "The review was moderated already."),
    };

    public static ProblemHttpResult Problem(string name, string detail)
    {
        var (status, title) = Types[name];
        return TypedResults.Problem(type: $"urn:loyalty:feedback:{name}", title: title, detail: detail, statusCode: status);
    }
}
