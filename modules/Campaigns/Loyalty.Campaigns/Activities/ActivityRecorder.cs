using System.Text.Json;
using System.Text.Json.Serialization;
using Loyalty.Campaigns.Contracts;
using Loyalty.Campaigns.EarningRules;
using Loyalty.Campaigns.Persistence;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Loyalty.Campaigns.Activities;

/// <summary>An activity of a member, posted by an integration or fired by the platform (enrolment).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record ActivityRequest(string? ExternalId, Guid? MemberId, string? Type, DateTimeOffset? OccurredAt, Dictionary<string, string>? Attributes = null);

/// <summary>
/// Free-form string attributes of an activity (<c>survey=post-dinner</c>), which activity rules test with
/// <c>activityAttribute</c>; bounded as a purchase's attributes are.
/// </summary>
internal static class ActivityAttributes
{
    public const int MaxCount = 20;
    public const int MaxKeyLength = 50;
    public const int MaxValueLength = 200;

    public static ValidationErrors Validate(ValidationErrors errors, IReadOnlyDictionary<string, string>? attributes)
    {
        if (attributes is null)
        {
            return errors;
        }

        errors.Check(attributes.Count <= MaxCount, "attributes", $"At most {MaxCount} attributes.");
        foreach (var (key, value) in attributes.Take(MaxCount + 1))
        {
            errors
                .Check(!string.IsNullOrWhiteSpace(key) && key.Length <= MaxKeyLength, "attributes", $"Every attribute name has 1-{MaxKeyLength} characters.")
                .Check(value is not null && value.Length <= MaxValueLength, $"attributes.{key}", $"Give a text value of at most {MaxValueLength} characters.");
        }

        return errors;
    }

    public static string? ToJson(IReadOnlyDictionary<string, string>? attributes) =>
        attributes is { Count: > 0 } ? JsonSerializer.Serialize(attributes, ActivityRecorder.Json) : null;

    public static Dictionary<string, string>? FromJson(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(json, ActivityRecorder.Json);
}

internal abstract record ActivityOutcome
{
    public sealed record Recorded(ActivityRecord Activity, bool IsNew) : ActivityOutcome;

    public sealed record Invalid(ValidationErrors Errors) : ActivityOutcome;

    public sealed record UnknownMember : ActivityOutcome;

    /// <summary>Another activity (another member or type) has this external id.</summary>
    public sealed record Conflict(string Detail) : ActivityOutcome;

    /// <summary>Well-formed, but the member may not earn (suspended or closed).</summary>
    public sealed record Refused(string Title, string Detail) : ActivityOutcome;
}

/// <summary>
/// Decides what an activity earns under the program's activity rules, keeps it (idempotent on the external id, also
/// when the same activity arrives twice at once) and credits it through Members. The order makes each step safe to
/// repeat: capped points are reserved first (once per activity and rule), then the activity is saved with its
/// reservations confirmed in one transaction, then Members credits once per reference. A crash before the save leaves
/// reservations that <see cref="Jobs.SettleCapReservationsJob"/> gives back; a crash after it leaves an activity not
/// yet credited, which the same request again credits.
/// </summary>
internal sealed partial class ActivityRecorder(
    CampaignsDbContext db, ActiveRules activeRules, CapReservations reservations, IActivityPoints members, ISegmentMembership segmentMembership,
    TimeProvider clock, ILogger<ActivityRecorder> logger)
{
    private static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(5);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<ActivityOutcome> RecordAsync(string program, ActivityRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var errors = new ValidationErrors()
            .Check(!string.IsNullOrWhiteSpace(request.ExternalId) && request.ExternalId.Length <= ActivityRecord.MaxExternalIdLength, "externalId", $"Give the activity's id in your system, 1-{ActivityRecord.MaxExternalIdLength} characters.")
            .Check(request.MemberId is not null, "memberId", "Give the member's id.")
            .Check(!string.IsNullOrWhiteSpace(request.Type), "type", "Give the activity type.")
            .Check(request.OccurredAt is not null && request.OccurredAt <= now + AllowedClockSkew && request.OccurredAt > now.AddYears(-1), "occurredAt", "Give the time of the activity; not in the future, not more than a year ago.");
        ActivityAttributes.Validate(errors, request.Attributes);
        if (!errors.IsEmpty)
        {
            return new ActivityOutcome.Invalid(errors);
        }

        if (await FindAsync(program, request.ExternalId!, cancellationToken) is { } existing)
        {
            return await AgainAsync(existing, request, cancellationToken);
        }

        if (!await IsAcceptedTypeAsync(program, request.Type!, cancellationToken))
        {
            return new ActivityOutcome.Invalid(new ValidationErrors().Check(false, "type", "Use a built-in activity (enrollment, birthday, referralCompleted, referredCompleted, reviewWritten, surveyCompleted, profileCompleted) or an active activity type of the program."));
        }

        var found = await members.FindAsync(program, request.MemberId!.Value, cancellationToken);
        if (found is null)
        {
            return new ActivityOutcome.UnknownMember();
        }

        if (!found.Active)
        {
            return new ActivityOutcome.Refused("The member cannot earn points.", $"The membership is {found.Status}.");
        }

        var occurredAt = request.OccurredAt!.Value.ToUniversalTime();
        var earning = AsEarningRequest(found, request.ExternalId!, occurredAt, request.Attributes);
        var rules = await activeRules.ForActivityAsync(program, request.Type!, cancellationToken);
        var evaluation = await DecideAsync(earning, rules, cancellationToken);
        var activity = new ActivityRecord
        {
            Id = Guid.CreateVersion7(now),
            Program = program,
            ExternalId = request.ExternalId!,
            MemberId = found.Member.Id,
            Type = request.Type!,
            OccurredAt = occurredAt,
            RecordedAt = now,
            Points = evaluation.Decision.Points,
            Attributes = ActivityAttributes.ToJson(request.Attributes),
            Rules = JsonSerializer.Serialize(evaluation.Rules, Json),
            Credited = evaluation.Decision.Points == 0,
        };

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            db.Activities.Add(activity);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // The same external id was recorded at the same time; that record answers (its reservations are the same ones).
                await transaction.RollbackAsync(cancellationToken);
                db.ChangeTracker.Clear();
                return await FindAsync(program, request.ExternalId!, cancellationToken) is { } first
                    ? await AgainAsync(first, request, cancellationToken)
                    : throw new InvalidOperationException("The activity was neither saved nor found.");
            }

            var reference = ActivityRecord.Reference(activity.ExternalId);
            await db.CapReservations.Where(r => r.ProgramId == earning.Program.Id && r.ExternalId == reference)
                .ExecuteUpdateAsync(set => set.SetProperty(r => r.Confirmed, true), cancellationToken);
            if (evaluation.Decision.Rules is { } applied)
            {
                await PendingVoucherGrant.QueueAsync(
                    db, program, activity.MemberId, applied,
                    rule => PendingVoucherGrant.ActivityReference(activity.ExternalId, rule.RuleId, rule.Version), now, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        await CreditAsync(activity, cancellationToken);
        return new ActivityOutcome.Recorded(activity, IsNew: true);
    }

    /// <summary>What the activity would earn now, writing nothing: for <c>rules/simulate</c>.</summary>
    public async Task<Evaluation> SimulateAsync(EarningRequest earning, string type, CancellationToken cancellationToken)
    {
        var rules = await activeRules.ForActivityAsync(earning.Program.Code, type, cancellationToken);
        var segments = await RulesEarningEngine.SegmentsAsync(segmentMembership, earning, rules, cancellationToken);
        var context = new EarningContext(earning, segments: segments);
        var remaining = new Dictionary<Guid, long>();
        foreach (var rule in rules.Where(r => r.CountedCaps.Count > 0))
        {
            remaining[rule.RuleId] = await reservations.RemainingAsync(rule, context, cancellationToken);
        }

        return RuleEvaluator.Evaluate(earning, rules, logger, remaining, segments: segments);
    }

    /// <summary>
    /// An activity is evaluated as a purchase of nothing: no lines, no amount, so no base points, and only its fixed
    /// points count; it carries the activity's attributes where a purchase carries its own. Its id is kept apart from
    /// purchases' external ids in the cap reservations.
    /// </summary>
    public static EarningRequest AsEarningRequest(
        ActivityMember member, string externalId, DateTimeOffset occurredAt, IReadOnlyDictionary<string, string>? attributes = null) =>
        new(member.Program, member.Member, new EarningPurchase(ActivityRecord.Reference(externalId), occurredAt, "activity", null, 0, [], Attributes: attributes));

    /// <summary>As for purchases: capped rules reserve what they gave, and give no more than they could reserve.</summary>
    private async Task<Evaluation> DecideAsync(EarningRequest earning, IReadOnlyList<CompiledRule> rules, CancellationToken cancellationToken)
    {
        var segments = await RulesEarningEngine.SegmentsAsync(segmentMembership, earning, rules, cancellationToken);
        return await RulesEarningEngine.WithCountedCapsAsync(
            earning, rules, RuleEvaluator.Evaluate(earning, rules, logger, segments: segments), null, reservations, logger, cancellationToken, segments);
    }

    private async Task<ActivityOutcome> AgainAsync(ActivityRecord existing, ActivityRequest request, CancellationToken cancellationToken)
    {
        if (existing.MemberId != request.MemberId || existing.Type != request.Type)
        {
            return new ActivityOutcome.Conflict($"The external id '{existing.ExternalId}' is another activity's (another member or type).");
        }

        if (!existing.Credited)
        {
            await CreditAsync(existing, cancellationToken);
        }

        return new ActivityOutcome.Recorded(existing, IsNew: false);
    }

    private async Task CreditAsync(ActivityRecord activity, CancellationToken cancellationToken)
    {
        if (activity.Points <= 0)
        {
            return;
        }

        var earnedAt = activity.OccurredAt < clock.GetUtcNow() ? activity.OccurredAt : clock.GetUtcNow();
        var outcome = await members.CreditAsync(activity.Program, activity.MemberId, activity.Points, activity.ExternalId, earnedAt, cancellationToken);
        if (outcome is ActivityCreditOutcome.Credited or ActivityCreditOutcome.AlreadyCredited)
        {
            await db.Activities.Where(a => a.Id == activity.Id).ExecuteUpdateAsync(set => set.SetProperty(a => a.Credited, true), cancellationToken);
            activity.Credited = true;
        }
        else
        {
            // The member was suspended or erased between the decision and the credit: the activity stays uncredited.
            LogNotCredited(logger, activity.Id, outcome.ToString());
        }
    }

    private async Task<bool> IsAcceptedTypeAsync(string program, string type, CancellationToken cancellationToken) =>
        ActivityTriggers.BuiltIn.Contains(type)
        || await db.ActivityTypes.AnyAsync(t => t.Program == program && t.Code == type && t.Status == ActivityTypeStatus.Active, cancellationToken);

    private Task<ActivityRecord?> FindAsync(string program, string externalId, CancellationToken cancellationToken) =>
        db.Activities.AsNoTracking().SingleOrDefaultAsync(a => a.Program == program && a.ExternalId == externalId, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Activity {ActivityId} was not credited: {Outcome}.")]
    private static partial void LogNotCredited(ILogger logger, Guid activityId, string outcome);
}
