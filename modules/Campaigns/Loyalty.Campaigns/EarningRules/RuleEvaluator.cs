using Loyalty.Campaigns.Contracts;
using Loyalty.Members.Contracts;
using Microsoft.Extensions.Logging;

namespace Loyalty.Campaigns.EarningRules;

/// <summary>
/// What one rule did to a purchase: <c>applied</c>, <c>notMatched</c>, <c>notApplied</c> (another rule won) or <c>failed</c>.
/// <see cref="VoucherRewardId"/> is the voucher template an applied rule grants (null otherwise).
/// </summary>
internal sealed record RuleOutcome(Guid RuleId, int Version, string Name, string Outcome, string? Reason, long Points, long QualifyingPoints = 0, Guid? VoucherRewardId = null);

internal sealed record Evaluation(EarningDecision Decision, long BasePoints, decimal TierMultiplier, IReadOnlyList<RuleOutcome> Rules);

/// <summary>
/// The outcome of every rule, in the rules' order. An applied rule's outcome is made when it is first read: most
/// purchases only need the decision (whose <see cref="AppliedRule"/>s carry the same figures), not the explanation.
/// </summary>
internal sealed class RuleOutcomes(IReadOnlyList<CompiledRule> rules, RuleOutcome?[] decided, long[] appliedPoints) : IReadOnlyList<RuleOutcome>
{
    public int Count => decided.Length;

    /// <summary>A rule without a decided outcome applied and gave <c>appliedPoints[index]</c>.</summary>
    public RuleOutcome this[int index] => decided[index] ??= new RuleOutcome(
        rules[index].RuleId, rules[index].Version, rules[index].Name, "applied", null, appliedPoints[index], rules[index].QualifyingPoints, rules[index].VoucherRewardId);

    public IEnumerator<RuleOutcome> GetEnumerator()
    {
        for (var i = 0; i < decided.Length; i++)
        {
            yield return this[i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

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
        EarningRequest request, IReadOnlyList<CompiledRule> rules, ILogger logger, IReadOnlyDictionary<Guid, long>? limits = null, PurchaseHistory? history = null,
        IReadOnlySet<string>? segments = null)
    {
        var baseRate = BaseRate.Decide(request.Program, request.Purchase);
        var tier = request.Member.TierEarningMultiplier;
        if (rules.Count == 0)
        {
            return new Evaluation(baseRate, baseRate.Points, tier, []);
        }

        var lines = request.Purchase.Lines;
        var hasLines = lines.Count > 0;
        var slotCount = hasLines ? lines.Count : 1;
        var amounts = new long[slotCount];
        var multiplied = new long[slotCount];
        var tierFactor = new DecimalFactor(tier);
        if (hasLines)
        {
            for (var i = 0; i < slotCount; i++)
            {
                amounts[i] = lines[i].AmountMinor;
                multiplied[i] = tierFactor.FloorTimes(baseRate.LinePoints[i]);
            }
        }
        else
        {
            amounts[0] = request.Purchase.TotalMinor;
            multiplied[0] = tierFactor.FloorTimes(baseRate.Points);
        }

        var state = new State(multiplied, new long[slotCount]);
        var context = new EarningContext(request, history, segments);

        // Per rule: its outcome once decided (the explanation), whether it matched, and its qualifying slots
        // (row r of a rules × slots table, one allocation for the whole evaluation).
        var outcomes = new RuleOutcome?[rules.Count];
        var matched = new bool[rules.Count];
        var qualifying = new bool[rules.Count * slotCount];
        var notMatchedReason = hasLines ? "no line meets the rule's conditions" : "the rule's conditions do not hold";
        for (var r = 0; r < rules.Count; r++)
        {
            var rule = rules[r];
            try
            {
                var reason = rule.NotApplicable(context);
                if (reason is null)
                {
                    if (QualifyingSlots(rule, context, lines, qualifying.AsSpan(r * slotCount, slotCount)))
                    {
                        matched[r] = true;
                        continue;
                    }

                    reason = notMatchedReason;
                }

                outcomes[r] = rule.NotMatched(reason);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                outcomes[r] = Failed(rule, e, logger);
            }
        }

        // What one rule adds to each slot while it is applied: reused from rule to rule.
        var scratch = new long[4 * slotCount];
        var exclusive = -1;
        for (var r = 0; r < rules.Count && exclusive < 0; r++)
        {
            exclusive = matched[r] && rules[r].Mode == StackingMode.Exclusive ? r : -1;
        }

        // Why a matching rule does not apply because another one does (precedence below: after a stop).
        string?[]? losers = null;
        if (exclusive >= 0)
        {
            losers = new string?[rules.Count];
            var reason = rules[exclusive].ExclusiveReason;
            for (var r = 0; r < rules.Count; r++)
            {
                losers[r] = matched[r] && r != exclusive ? reason : null;
            }
        }
        else
        {
            // Best-of: each member of a group is measured alone on the base, and only the one giving most applies
            // (the first in the order on a tie). A group is measured from its first matching rule in the order.
            bool[]? measuredAlready = null;
            State? measuring = null;
            for (var first = 0; first < rules.Count; first++)
            {
                if (!matched[first] || rules[first].Mode != StackingMode.BestOf || measuredAlready?[first] == true)
                {
                    continue;
                }

                measuredAlready ??= new bool[rules.Count];
                measuring ??= new State(new long[slotCount], new long[slotCount]);
                var group = rules[first].Group!;
                int best = -1, measured = 0;
                long bestPoints = 0;
                for (var r = first; r < rules.Count; r++)
                {
                    if (!matched[r] || rules[r].Mode != StackingMode.BestOf || !string.Equals(rules[r].Group, group, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    measuredAlready[r] = true;
                    try
                    {
                        state.CopyTo(measuring);
                        var points = Apply(rules[r], qualifying.AsSpan(r * slotCount, slotCount), measuring, amounts, request.Program, limits, scratch);
                        measured++;
                        if (best < 0 || points > bestPoints)
                        {
                            (best, bestPoints) = (r, points);
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        outcomes[r] = Failed(rules[r], e, logger);
                    }
                }

                if (measured < 2)
                {
                    continue;
                }

                var reason = rules[best].BestOfReason!;
                for (var r = first; r < rules.Count; r++)
                {
                    if (r != best && outcomes[r] is null && matched[r] && rules[r].Mode == StackingMode.BestOf
                        && string.Equals(rules[r].Group, group, StringComparison.Ordinal))
                    {
                        (losers ??= new string?[rules.Count])[r] = reason;
                    }
                }
            }
        }

        CompiledRule? stoppedBy = null;
        long qualifyingBonus = 0;
        long[]? appliedPoints = null;
        var appliedCount = 0;
        for (var r = 0; r < rules.Count; r++)
        {
            if (outcomes[r] is not null)
            {
                continue;
            }

            var rule = rules[r];
            if (stoppedBy is not null)
            {
                outcomes[r] = rule.NotApplied(stoppedBy.StopReason);
            }
            else if (losers?[r] is { } reason)
            {
                outcomes[r] = rule.NotApplied(reason);
            }
            else
            {
                try
                {
                    var points = Apply(rule, qualifying.AsSpan(r * slotCount, slotCount), state, amounts, request.Program, limits, scratch);
                    // Its outcome stays null: RuleOutcomes makes it from the points when it is read.
                    (appliedPoints ??= new long[rules.Count])[r] = points;
                    appliedCount++;
                    qualifyingBonus = checked(qualifyingBonus + rule.QualifyingPoints);
                    stoppedBy = rule.StopsEvaluation ? rule : null;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    outcomes[r] = Failed(rule, e, logger);
                }
            }
        }

        var perSlot = new long[slotCount];
        long total = 0;
        for (var i = 0; i < slotCount; i++)
        {
            perSlot[i] = state.Multiplied[i] + state.Bonus[i];
            total += perSlot[i];
        }

        var applied = new AppliedRule[appliedCount];
        for (int r = 0, a = 0; a < appliedCount; r++)
        {
            if (outcomes[r] is null)
            {
                var rule = rules[r];
                applied[a++] = new AppliedRule(rule.RuleId, rule.Version, rule.Name, appliedPoints![r], rule.QualifyingPoints, rule.VoucherRewardId);
            }
        }

        var decision = hasLines ? new EarningDecision(total, perSlot, applied, qualifyingBonus) : new EarningDecision(perSlot[0], [], applied, qualifyingBonus);
        return new Evaluation(decision, baseRate.Points, tier, new RuleOutcomes(rules, outcomes, appliedPoints ?? []));
    }

    /// <summary>Marks the slots the rule's conditions hold for and its exclusions spare; false when there are none.</summary>
    private static bool QualifyingSlots(CompiledRule rule, EarningContext context, IReadOnlyList<EarningLine> lines, Span<bool> slots)
    {
        if (lines.Count == 0)
        {
            return slots[0] = rule.Holds(context, null);
        }

        var any = false;
        bool? forEveryLine = null;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (rule.HasExclusions && rule.Excludes(line))
            {
                continue;
            }

            if (rule.LooksAtLines ? rule.Holds(context, line) : forEveryLine ??= rule.Holds(context, line))
            {
                slots[i] = any = true;
            }
            else if (forEveryLine == false)
            {
                // A rule asked once per purchase does not hold: none of its slots qualify.
                slots.Clear();
                return false;
            }
        }

        return any;
    }

    /// <summary>
    /// What to ask Members of the member's earlier purchases for the rules whose behavioural conditions may be asked
    /// (their window and audience admit the purchase), or null when none: most purchases cost no history query.
    /// </summary>
    public static PurchaseHistoryQuery? HistoryQuery(EarningRequest request, IReadOnlyList<CompiledRule> rules, IReadOnlySet<string>? segments = null)
    {
        var context = new EarningContext(request, segments: segments);
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
    private static long Apply(
        CompiledRule rule, ReadOnlySpan<bool> qualifying, State state, long[] amounts, EarningProgram program, IReadOnlyDictionary<Guid, long>? limits, long[] scratch)
    {
        var n = amounts.Length;
        scratch.AsSpan(0, 2 * n).Clear();
        var multiplied = scratch.AsSpan(0, n);
        var bonus = scratch.AsSpan(n, n);
        var weights = scratch.AsSpan(2 * n, n);
        for (var i = 0; i < n; i++)
        {
            weights[i] = qualifying[i] ? Math.Max(amounts[i], 0) : 0;
        }

        if (rule.WholeMultiplier is { } whole)
        {
            // A whole multiplier (2, 3) gives the same as the decimal product, rounded down, without decimal arithmetic.
            for (var i = 0; i < n; i++)
            {
                multiplied[i] = qualifying[i] ? checked((state.Multiplied[i] * whole) - state.Multiplied[i]) : 0;
            }
        }
        else if (rule.MultiplierFactor is { } multiplier)
        {
            for (var i = 0; i < n; i++)
            {
                multiplied[i] = qualifying[i] ? checked(multiplier.FloorTimes(state.Multiplied[i]) - state.Multiplied[i]) : 0;
            }
        }

        if (rule.FixedPoints is { } fixedPoints)
        {
            AddShare(bonus, fixedPoints, weights, qualifying);
        }

        if (rule.RateFactor is { } rate)
        {
            var nearest = rule.Rounding == Rounding.Nearest;
            if (rule.RateScope == RateScope.PerLine)
            {
                for (var i = 0; i < n; i++)
                {
                    bonus[i] = checked(bonus[i] + (qualifying[i] ? rate.Per(weights[i], program.MinorUnitsPerUnit, nearest) : 0));
                }
            }
            else
            {
                AddShare(bonus, rate.Per(Sum(weights), program.MinorUnitsPerUnit, nearest), weights, qualifying);
            }
        }

        var added = checked(Sum(multiplied) + Sum(bonus));
        var cap = limits is not null && limits.TryGetValue(rule.RuleId, out var limit) ? Math.Min(limit, rule.Cap ?? long.MaxValue) : rule.Cap;
        if (cap is { } capped && added > capped)
        {
            var gained = scratch.AsSpan(3 * n, n);
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
    private static void AddShare(Span<long> target, long total, ReadOnlySpan<long> weights, ReadOnlySpan<bool> takingPart)
    {
        var last = takingPart.LastIndexOf(true);
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
                // Whole numbers not below 0 divide exactly in 128 bits, as decimal does them at these magnitudes.
                long share;
                if (total >= 0 && weights[i] >= 0)
                {
                    // The product mostly fits a long; where it does not, 128 bits.
                    var high = Math.BigMul(total, weights[i], out long low);
                    share = high == 0 && low >= 0 ? low / sum : (long)((Int128)total * weights[i] / sum);
                }
                else
                {
                    share = (long)decimal.Floor((decimal)total * weights[i] / sum);
                }

                target[i] = checked(target[i] + share);
                shared += share;
            }
        }

        target[last] = checked(target[last] + total - shared);
    }

    private static long Sum(ReadOnlySpan<long> values)
    {
        long sum = 0;
        foreach (var value in values)
        {
            sum = checked(sum + value);
        }

        return sum;
    }

    private static void AddTo(long[] target, ReadOnlySpan<long> values)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = checked(target[i] + values[i]);
        }
    }

    private static RuleOutcome Failed(CompiledRule rule, Exception e, ILogger logger)
    {
        // The exception's message may quote member data; only its type is logged.
        LogRuleFailed(logger, rule.RuleId, rule.Version, e.GetType().Name);
        return new RuleOutcome(rule.RuleId, rule.Version, rule.Name, "failed", $"the rule could not be evaluated ({e.GetType().Name}); it was skipped", 0);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Earning rule {RuleId} version {Version} failed with {ExceptionType} and was skipped.")]
    private static partial void LogRuleFailed(ILogger logger, Guid ruleId, int version, string exceptionType);

    /// <summary>Points per line, or per slot: the multiplied part (base × tier × rule multipliers) and the bonus no multiplier scales.</summary>
    private sealed record State(long[] Multiplied, long[] Bonus)
    {
        public void CopyTo(State other)
        {
            Multiplied.CopyTo(other.Multiplied, 0);
            Bonus.CopyTo(other.Bonus, 0);
        }
    }
}
