using System.Text.Json.Serialization;
using Loyalty.Campaigns.Contracts;
using Loyalty.Campaigns.Persistence;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Loyalty.Campaigns.EarningRules;

/// <summary>A dry-run of an existing rule (<see cref="RuleId"/>, its newest version) or of a <see cref="Definition"/> not saved.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record DryRunRequest(Guid? RuleId, RuleDefinition? Definition, int? Days);

internal sealed record DryRunDay(DateOnly Date, int Purchases, int Members, long Points, long QualifyingPoints, int Vouchers);

/// <summary>
/// What the rule would have given over the replayed purchases: <see cref="Points"/> (and qualifying points) to
/// <see cref="Members"/> members over <see cref="Purchases"/> purchases it applied to, out of
/// <see cref="PurchasesScanned"/>, and the <see cref="Vouchers"/> it would have granted. <see cref="Complete"/> is false when the scan stopped at <see cref="MaxPurchases"/>;
/// <see cref="Until"/> is then the time of the last purchase scanned.
/// </summary>
internal sealed record DryRunDto(
    Guid? RuleId, int? Version, string Name, int Days, DateTimeOffset From, DateTimeOffset Until, int PurchasesScanned, int MaxPurchases, bool Complete,
    long Points, long QualifyingPoints, int Members, int Purchases, int Failed, IReadOnlyList<DryRunDay> PerDay, int Vouchers);

/// <summary>
/// Replays the last N days of recorded purchases through the program's active rules with the rule in question in its
/// place, and adds up what that rule gave. Writes nothing: counted caps are kept in memory, as if the rule had given
/// nothing before the replayed days.
/// </summary>
internal static class RuleDryRun
{
    public const int MaxDays = 90;
    public const int MaxPurchases = 100_000;

    public static readonly DryRunRequest Example = new(
        null,
        new RuleDefinition("Double points on card payments", 10, null, null, null,
            new RuleCondition(null, null, null, null, null, null, null, null, null, null, null, null, null, PaymentMethod: ["card"]),
            null, new RuleEffects(null, null, 2m, null, null)),
        30);

    public static async Task<Results<Ok<DryRunDto>, ValidationProblem, NotFound>> RunAsync(
        string program, DryRunRequest request, CampaignsDbContext db, ActiveRules activeRules, IPurchaseReplay replay, IPurchaseHistory purchaseHistory,
        ISegmentMembership segmentMembership, TimeProvider clock, ILogger<ActiveRules> logger, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors()
            .Check((request.RuleId is null) != (request.Definition is null), "ruleId", "Give the id of a rule or a definition, not both.")
            .Check(request.Days is >= 1 and <= MaxDays, "days", $"Give 1 to {MaxDays} days to replay.");
        if (request.Definition is not null)
        {
            errors.Include(request.Definition.Validate(), "definition");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        CompiledRule candidate;
        if (request.RuleId is { } id)
        {
            var rule = await db.EarningRules.AsNoTracking().Include(r => r.Versions).SingleOrDefaultAsync(r => r.Id == id && r.Program == program, cancellationToken);
            if (rule is null)
            {
                return TypedResults.NotFound();
            }

            candidate = CompiledRule.Compile(rule.Id, rule.LatestVersion, rule.Latest.Parse());
        }
        else
        {
            candidate = CompiledRule.Compile(Guid.Empty, 0, request.Definition!);
        }

        var rules = RuleEvaluator.Order([.. (await activeRules.ForProgramAsync(program, cancellationToken)).Where(r => r.RuleId != candidate.RuleId), candidate]);
        var position = IndexOf(rules, candidate);
        var until = clock.GetUtcNow();
        var from = until.AddDays(-request.Days!.Value);
        var counted = new Dictionary<(Guid Rule, string Key), long>();
        var members = new HashSet<Guid>();
        var days = new SortedDictionary<DateOnly, DayTotals>();
        int scanned = 0, applied = 0, failed = 0, vouchers = 0;
        long points = 0, qualifying = 0;
        var last = from;
        // Segments as they are now (membership has no past to replay), asked once per member.
        var segmentsOf = new Dictionary<Guid, IReadOnlySet<string>?>();
        await foreach (var purchase in replay.PurchasesAsync(program, from, until, MaxPurchases, cancellationToken))
        {
            scanned++;
            last = purchase.Purchase.OccurredAt;
            if (!segmentsOf.TryGetValue(purchase.Member.Id, out var segments))
            {
                segmentsOf[purchase.Member.Id] = segments = await RulesEarningEngine.SegmentsAsync(segmentMembership, purchase, rules, cancellationToken);
            }

            var context = new EarningContext(purchase, segments: segments);
            var limits = Limits(rules, context, counted);
            var history = await RulesEarningEngine.HistoryAsync(purchaseHistory, purchase, rules, logger, cancellationToken, segments);
            var evaluation = RuleEvaluator.Evaluate(purchase, rules, logger, limits, history, segments);
            Count(rules, evaluation, context, counted);
            var outcome = evaluation.Rules[position];
            failed += outcome.Outcome == "failed" ? 1 : 0;
            // As recorded: a voucher follows a purchase's PointsAccrued, which a purchase that earned no points has not.
            var voucher = outcome is { Outcome: "applied", VoucherRewardId: not null } && evaluation.Decision.Points > 0 ? 1 : 0;
            if (outcome.Outcome != "applied" || (outcome.Points == 0 && outcome.QualifyingPoints == 0 && voucher == 0))
            {
                continue;
            }

            vouchers += voucher;

            applied++;
            points += outcome.Points;
            qualifying += outcome.QualifyingPoints;
            members.Add(purchase.Member.Id);
            var date = DateOnly.FromDateTime(context.LocalTime);
            if (!days.TryGetValue(date, out var day))
            {
                days[date] = day = new DayTotals();
            }

            day.Purchases++;
            day.Members.Add(purchase.Member.Id);
            day.Points += outcome.Points;
            day.Qualifying += outcome.QualifyingPoints;
            day.Vouchers += voucher;
        }

        var complete = scanned < MaxPurchases;
        return TypedResults.Ok(new DryRunDto(
            request.RuleId, request.RuleId is null ? null : candidate.Version, candidate.Name, request.Days.Value, from, complete ? until : last,
            scanned, MaxPurchases, complete, points, qualifying, members.Count, applied, failed,
            [.. days.Select(d => new DryRunDay(d.Key, d.Value.Purchases, d.Value.Members.Count, d.Value.Points, d.Value.Qualifying, d.Value.Vouchers))],
            vouchers));
    }

    private sealed class DayTotals
    {
        public int Purchases { get; set; }

        public HashSet<Guid> Members { get; } = [];

        public long Points { get; set; }

        public long Qualifying { get; set; }

        public int Vouchers { get; set; }
    }

    /// <summary>What the counted caps of each rule still allow for this purchase, from what the replay gave so far.</summary>
    private static Dictionary<Guid, long>? Limits(IReadOnlyList<CompiledRule> rules, EarningContext context, Dictionary<(Guid, string), long> counted)
    {
        Dictionary<Guid, long>? limits = null;
        foreach (var rule in rules)
        {
            if (rule.CountedCaps.Count == 0)
            {
                continue;
            }

            var remaining = long.MaxValue;
            try
            {
                foreach (var cap in rule.CountedCaps)
                {
                    remaining = Math.Min(remaining, Math.Max(cap.Cap - counted.GetValueOrDefault((rule.RuleId, cap.KeyFor(context))), 0));
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A key that cannot be made (an unknown time zone) fails the rule in the evaluation, as when posting.
                continue;
            }

            (limits ??= [])[rule.RuleId] = remaining;
        }

        return limits;
    }

    private static void Count(IReadOnlyList<CompiledRule> rules, Evaluation evaluation, EarningContext context, Dictionary<(Guid, string), long> counted)
    {
        for (var r = 0; r < rules.Count; r++)
        {
            if (rules[r].CountedCaps.Count == 0 || evaluation.Rules[r] is not { Outcome: "applied", Points: > 0 } outcome)
            {
                continue;
            }

            foreach (var cap in rules[r].CountedCaps)
            {
                var key = (rules[r].RuleId, cap.KeyFor(context));
                counted[key] = counted.GetValueOrDefault(key) + outcome.Points;
            }
        }
    }

    private static int IndexOf(IReadOnlyList<CompiledRule> rules, CompiledRule rule)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            if (ReferenceEquals(rules[i], rule))
            {
                return i;
            }
        }

        throw new InvalidOperationException("The rule is not in the list.");
    }
}
