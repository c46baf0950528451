using Loyalty.Campaigns.Contracts;
using Loyalty.Members.Contracts;
using Microsoft.Extensions.Logging;

namespace Loyalty.Campaigns.EarningRules;

/// <summary>What one rule did to a purchase: <c>applied</c>, <c>notMatched</c>, <c>notApplied</c> (another rule won) or <c>failed</c>.</summary>
internal sealed record RuleOutcome(Guid RuleId, int Version, string Name, string Outcome, string? Reason, long Points, long QualifyingPoints = 0);

internal sealed record Evaluation(EarningDecision Decision, long BasePoints, decimal TierMultiplier, IReadOnlyList<RuleOutcome> Rules);

/// <summary>
/// Decides a purchase's points from the base rate and the program's active rules, in the order docs/earning-rules.md
/// documents. Works on whole points per line (a purchase without lines is one slot), so the lines always add up to the total.
/// </summary>
internal static partial class RuleEvaluator
{
    /// <param name="rules">The program's active rules, in evaluation order (<see cref="Order"/>).</param>
    /// <param name="limits">
    /// At most this many points from a rule in this purchase, by rule id: what its counted caps still allow
    /// (<see cref="CapReservations"/>); it acts as a lower <see cref="CompiledRule.Cap"/>.
    /// </param>
    /// <param name="history">The member's earlier purchases, as <see cref="HistoryQuery"/> asked; null where no rule needs them.</param>
    public static Evaluation Evaluate(
        EarningRequest request, IReadOnlyList<CompiledRule> rules, ILogger logger, IReadOnlyDictionary<Guid, long>? limits = null, PurchaseHistory? history = null)
    {
        var baseRate = BaseRate.Decide(request.Program, request.Purchase);
        var tier = request.Member.TierEarningMultiplier;
        if (rules.Count == 0)
        {
            return new Evaluation(baseRate, baseRate.Points, tier, []);
        }

        var lines = request.Purchase.Lines;
        var hasLines = lines.Count > 0;
        var amounts = hasLines ? lines.Select(l => l.AmountMinor).ToArray() : [request.Purchase.TotalMinor];
        var state = new State(
            hasLines ? [.. baseRate.LinePoints.Select(p => Floor(p * tier))] : [Floor(baseRate.Points * tier)],
            new long[amounts.Length]);
        var context = new EarningContext(request, history);

        var outcomes = new RuleOutcome?[rules.Count];
        var qualifying = new bool[rules.Count][];
        for (var r = 0; r < rules.Count; r++)
        {
            var rule = rules[r];
            try
            {
                var reason = rule.NotApplicable(context);
                if (reason is null)
                {
                    if (QualifyingSlots(rule, context, lines, amounts.Length) is { } slots)
                    {
                        qualifying[r] = slots;
                        continue;
                    }

                    reason = hasLines ? "no line meets the rule's conditions" : "the rule's conditions do not hold";
                }

                outcomes[r] = Outcome(rule, "notMatched", reason, 0);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                outcomes[r] = Failed(rule, e, logger);
            }
        }

        var matched = Enumerable.Range(0, rules.Count).Where(r => qualifying[r] is not null).ToList();
        var exclusive = matched.Cast<int?>().FirstOrDefault(r => rules[r!.Value].Mode == StackingMode.Exclusive);
        var losers = new Dictionary<int, string>();
        if (exclusive is { } only)
        {
            foreach (var r in matched.Where(r => r != only))
            {
                losers[r] = $"the exclusive rule '{rules[only].Name}' applies alone";
            }
        }
        else
        {
            // Best-of: each member of a group is measured alone on the base, and only the one giving most applies.
            foreach (var group in matched.Where(r => rules[r].Mode == StackingMode.BestOf).GroupBy(r => rules[r].Group!, StringComparer.Ordinal))
            {
                var measured = new List<(int Rule, long Points)>();
                foreach (var r in group)
                {
                    try
                    {
                        measured.Add((r, Apply(rules[r], qualifying[r], state.Copy(), amounts, request.Program, limits)));
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        outcomes[r] = Failed(rules[r], e, logger);
                    }
                }

                if (measured.Count == 0)
                {
                    continue;
                }

                var best = measured.MaxBy(m => m.Points);
                foreach (var (r, _) in measured.Where(m => m.Rule != best.Rule))
                {
                    losers[r] = $"'{rules[best.Rule].Name}' gives more in the group '{group.Key}'";
                }
            }
        }

        string? stoppedBy = null;
        long qualifyingBonus = 0;
        for (var r = 0; r < rules.Count; r++)
        {
            if (outcomes[r] is not null)
            {
                continue;
            }

            var rule = rules[r];
            if (stoppedBy is not null)
            {
                outcomes[r] = Outcome(rule, "notApplied", $"'{stoppedBy}' stops further rules", 0);
            }
            else if (losers.TryGetValue(r, out var reason))
            {
                outcomes[r] = Outcome(rule, "notApplied", reason, 0);
            }
            else
            {
                try
                {
                    var points = Apply(rule, qualifying[r], state, amounts, request.Program, limits);
                    outcomes[r] = Outcome(rule, "applied", null, points) with { QualifyingPoints = rule.QualifyingPoints };
                    qualifyingBonus = checked(qualifyingBonus + rule.QualifyingPoints);
                    stoppedBy = rule.StopsEvaluation ? rule.Name : null;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    outcomes[r] = Failed(rule, e, logger);
                }
            }
        }

        var perSlot = state.Multiplied.Zip(state.Bonus, (m, b) => m + b).ToList();
        List<AppliedRule> applied = [.. outcomes.Where(o => o!.Outcome == "applied").Select(o => new AppliedRule(o!.RuleId, o.Version, o.Name, o.Points, o.QualifyingPoints))];
        var decision = hasLines ? new EarningDecision(perSlot.Sum(), perSlot, applied, qualifyingBonus) : new EarningDecision(perSlot[0], [], applied, qualifyingBonus);
        return new Evaluation(decision, baseRate.Points, tier, [.. outcomes.Select(o => o!)]);
    }

    /// <summary>The slots the rule's conditions hold for and its exclusions spare, or null when there are none.</summary>
    private static bool[]? QualifyingSlots(CompiledRule rule, EarningContext context, IReadOnlyList<EarningLine> lines, int slotCount)
    {
        var slots = new bool[slotCount];
        if (lines.Count == 0)
        {
            slots[0] = rule.Holds(context, null);
            return slots[0] ? slots : null;
        }

        bool? forEveryLine = null;
        var any = false;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (rule.Excludes(line))
            {
                continue;
            }

            slots[i] = rule.LooksAtLines ? rule.Holds(context, line) : forEveryLine ??= rule.Holds(context, line);
            any |= slots[i];
        }

        return any ? slots : null;
    }

    /// <summary>
    /// What to ask Members of the member's earlier purchases for the rules whose behavioural conditions may be asked
    /// (their window and audience admit the purchase), or null when none: most purchases cost no history query.
    /// </summary>
    public static PurchaseHistoryQuery? HistoryQuery(EarningRequest request, IReadOnlyList<CompiledRule> rules)
    {
        var context = new EarningContext(request);
        int days = 0;
        bool count = false, categories = false;
        foreach (var rule in rules.Where(r => r.History.Any))
        {
            try
            {
                if (rule.NotApplicable(context) is not null)
                {
                    continue;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The evaluation reports the failure; the history is asked as if the rule applied.
            }

            days = Math.Max(days, rule.History.RecentDays);
            count |= rule.History.Count;
            categories |= rule.History.Categories;
        }

        return days == 0 && !count && !categories
            ? null
            : new PurchaseHistoryQuery(
                request.Program.Id, request.Member.Id, request.Purchase.ExternalId, request.Purchase.OccurredAt,
                days > 0 ? request.Purchase.OccurredAt.AddDays(-days) : null, count, categories);
    }

    /// <summary>Higher priority first; among equals the older rule (its id is time-ordered), so the order never depends on storage.</summary>
    public static IReadOnlyList<CompiledRule> Order(IEnumerable<CompiledRule> rules) =>
        [.. rules.OrderByDescending(r => r.Priority).ThenBy(r => r.RuleId)];

    /// <summary>
    /// Applies one rule to its qualifying slots and answers the points it added. A multiplier scales what the base and
    /// earlier multipliers gave those slots; fixed points and points per currency unit are a bonus that no multiplier
    /// scales. A cap limits the rule's whole addition; capped points are a bonus too.
    /// </summary>
    private static long Apply(CompiledRule rule, bool[] qualifying, State state, long[] amounts, EarningProgram program, IReadOnlyDictionary<Guid, long>? limits)
    {
        var n = amounts.Length;
        var multiplied = new long[n];
        var bonus = new long[n];
        var weights = new long[n];
        for (var i = 0; i < n; i++)
        {
            weights[i] = qualifying[i] ? Math.Max(amounts[i], 0) : 0;
        }

        if (rule.Multiplier is { } multiplier)
        {
            for (var i = 0; i < n; i++)
            {
                multiplied[i] = qualifying[i] ? checked(Floor(state.Multiplied[i] * multiplier) - state.Multiplied[i]) : 0;
            }
        }

        if (rule.FixedPoints is { } fixedPoints)
        {
            AddShare(bonus, fixedPoints, weights, qualifying);
        }

        if (rule.Rate is { } rate)
        {
            if (rule.RateScope == RateScope.PerLine)
            {
                for (var i = 0; i < n; i++)
                {
                    bonus[i] = checked(bonus[i] + (qualifying[i] ? Round(rule.Rounding, (decimal)weights[i] / program.MinorUnitsPerUnit * rate) : 0));
                }
            }
            else
            {
                AddShare(bonus, Round(rule.Rounding, (decimal)Sum(weights) / program.MinorUnitsPerUnit * rate), weights, qualifying);
            }
        }

        var added = checked(Sum(multiplied) + Sum(bonus));
        var cap = limits is not null && limits.TryGetValue(rule.RuleId, out var limit) ? Math.Min(limit, rule.Cap ?? long.MaxValue) : rule.Cap;
        if (cap is { } capped && added > capped)
        {
            var gained = new long[n];
            for (var i = 0; i < n; i++)
            {
                gained[i] = Math.Max(multiplied[i] + bonus[i], 0);
            }

            AddShare(state.Bonus, capped, gained, qualifying);
            return capped;
        }

        AddTo(state.Multiplied, multiplied);
        AddTo(state.Bonus, bonus);
        return added;
    }

    /// <summary>Adds whole points shared by weight, rounding down, the remainder to the last slot that takes part (as the base rate does).</summary>
    private static void AddShare(long[] target, long total, long[] weights, bool[] takingPart)
    {
        var last = Array.LastIndexOf(takingPart, true);
        if (last < 0)
        {
            return;
        }

        var sum = Sum(weights);
        long shared = 0;
        if (sum > 0)
        {
            for (var i = 0; i < weights.Length; i++)
            {
                var share = (long)decimal.Floor((decimal)total * weights[i] / sum);
                target[i] = checked(target[i] + share);
                shared += share;
            }
        }

        target[last] = checked(target[last] + total - shared);
    }

    private static long Sum(long[] values)
    {
        long sum = 0;
        foreach (var value in values)
        {
            sum = checked(sum + value);
        }

        return sum;
    }

    private static void AddTo(long[] target, long[] values)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = checked(target[i] + values[i]);
        }
    }

    private static long Floor(decimal value) => (long)decimal.Floor(value);

    private static long Round(Rounding rounding, decimal value) =>
        (long)(rounding == Rounding.Nearest ? decimal.Round(value, MidpointRounding.AwayFromZero) : decimal.Floor(value));

    private static RuleOutcome Outcome(CompiledRule rule, string outcome, string? reason, long points) =>
        new(rule.RuleId, rule.Version, rule.Name, outcome, reason, points);

    private static RuleOutcome Failed(CompiledRule rule, Exception e, ILogger logger)
    {
        // The exception's message may quote member data; only its type is logged.
        LogRuleFailed(logger, rule.RuleId, rule.Version, e.GetType().Name);
        return Outcome(rule, "failed", $"the rule could not be evaluated ({e.GetType().Name}); it was skipped", 0);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Earning rule {RuleId} version {Version} failed with {ExceptionType} and was skipped.")]
    private static partial void LogRuleFailed(ILogger logger, Guid ruleId, int version, string exceptionType);

    /// <summary>Points per line, or per slot: the multiplied part (base × tier × rule multipliers) and the bonus no multiplier scales.</summary>
    private sealed record State(long[] Multiplied, long[] Bonus)
    {
        public State Copy() => new([.. Multiplied], [.. Bonus]);
    }
}
