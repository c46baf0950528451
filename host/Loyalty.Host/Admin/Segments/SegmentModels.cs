using System.Text.Json;

namespace Loyalty.Host.Admin.Segments;

// What the Campaigns API answers about segments, as far as the screens show it; conditions stay JSON, as the API takes them.
public sealed record SegmentEvaluationView(
    string State, DateTimeOffset QueuedAt, DateTimeOffset? StartedAt, DateTimeOffset? EvaluatedAt, int Processed, int Total, int Percent, int Entered, int Left,
    string? FailureReason);

public sealed record SegmentView(
    Guid Id, string Program, string Code, string Name, string Kind, bool Marketing, JsonElement? Conditions, int MemberCount, SegmentEvaluationView Evaluation,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, JsonElement? Scores = null, JsonElement? Engagement = null);

public sealed record SegmentMemberView(Guid MemberId, DateTimeOffset Since);

public sealed record SegmentMemberPage(IReadOnlyList<SegmentMemberView> Items, Guid? Next);

public sealed record SegmentCountView(int Count);
