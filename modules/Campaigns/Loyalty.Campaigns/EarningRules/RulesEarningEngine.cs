using System.Collections.Concurrent;
using Loyalty.Campaigns.Contracts;
using Loyalty.Campaigns.Persistence;
using Loyalty.Members.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Loyalty.Campaigns.EarningRules;

/// <summary>
/// A program's active rules compiled, with the stamp of the rule set they were built from: those answering purchases
/// (<see cref="Rules"/>) and those answering each activity type.
/// </summary>
internal sealed record CompiledRuleSet(Guid Stamp, IReadOnlyList<CompiledRule> Rules, IReadOnlyDictionary<string, IReadOnlyList<CompiledRule>> Activities);

/// <summary>
/// The compiled rules of each program on this node (a singleton), and when their stamp was last read;
/// <see cref="ActiveRules"/> keeps it current.
/// </summary>
internal sealed class EarningRuleCache
{
    public ConcurrentDictionary<string, CompiledRuleSet> Programs { get; } = new(StringComparer.Ordinal);

    /// <summary>The rules as of the last stamp read (null: the program has none) and when it was read.</summary>
    public ConcurrentDictionary<string, (CompiledRuleSet? Rules, DateTimeOffset ReadAt)> Checked { get; } = new(StringComparer.Ordinal);

    /// <summary>After a rule change on this node: the next purchase reads the stamp again.</summary>
    public void Forget(string program) => Checked.TryRemove(program, out _);
}

/// <summary>
/// Reads a program's active rules: from the cache while the program's stamp is unchanged, else compiled afresh.
/// The stamp is read again at most once per <see cref="StampRecheck"/> on a node, not once per purchase: a rule
/// changed on another node applies here from at most that long after.
/// </summary>
internal sealed partial class ActiveRules(CampaignsDbContext db, EarningRuleCache cache, TimeProvider clock, ILogger<ActiveRules> logger)
{
    public static readonly TimeSpan StampRecheck = TimeSpan.FromSeconds(1);

    public async Task<IReadOnlyList<CompiledRule>> ForProgramAsync(string program, CancellationToken cancellationToken) =>
        (await SetAsync(program, cancellationToken))?.Rules ?? [];

    /// <summary>The program's active rules answering the activity type, in evaluation order.</summary>
    public async Task<IReadOnlyList<CompiledRule>> ForActivityAsync(string program, string activityType, CancellationToken cancellationToken) =>
        (await SetAsync(program, cancellationToken))?.Activities.GetValueOrDefault(activityType) ?? [];

    private async Task<CompiledRuleSet?> SetAsync(string program, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (cache.Checked.TryGetValue(program, out var read) && now - read.ReadAt < StampRecheck && now >= read.ReadAt)
        {
            return read.Rules;
        }

        var rules = await ReadAsync(program, cancellationToken);
        cache.Checked[program] = (rules, now);
        return rules;
    }

    private async Task<CompiledRuleSet?> ReadAsync(string program, CancellationToken cancellationToken)
    {
        // The stamp is read before the rules: a change committing in between leaves an older stamp on newer rules,
        // which the next purchase sees as stale and reloads, never the other way round.
        var stamp = await db.EarningRuleSetStamps.AsNoTracking()
            .Where(s => s.Program == program).Select(s => (Guid?)s.Stamp).SingleOrDefaultAsync(cancellationToken);
        if (stamp is null)
        {
            return null;
        }

        cache.Programs.TryGetValue(program, out var cached);
        if (cached?.Stamp == stamp)
        {
            return cached;
        }

        var versions = await db.EarningRules.AsNoTracking()
            .Where(r => r.Program == program && r.Status == RuleStatus.Active)
            .Join(db.EarningRuleVersions, r => new { RuleId = r.Id, Version = r.LatestVersion }, v => new { v.RuleId, v.Version }, (r, v) => v)
            .ToListAsync(cancellationToken);
        var previous = cached?.Rules.Concat(cached.Activities.Values.SelectMany(a => a)).ToDictionary(r => (r.RuleId, r.Version)) ?? [];
        var rules = RuleEvaluator.Order(versions.Select(v => previous.GetValueOrDefault((v.RuleId, v.Version)) ?? CompileOrSkip(v)).OfType<CompiledRule>());
        var compiled = new CompiledRuleSet(
            stamp.Value,
            [.. rules.Where(r => r.Trigger == Activities.ActivityTriggers.Purchase)],
            rules.Where(r => r.Trigger != Activities.ActivityTriggers.Purchase)
                .GroupBy(r => r.Trigger, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<CompiledRule>)[.. g], StringComparer.Ordinal));
        cache.Programs[program] = compiled;
        return compiled;
    }

    /// <summary>A stored version that no longer compiles (edited by hand in the database) is left out, never fails a purchase.</summary>
    private CompiledRule? CompileOrSkip(EarningRuleVersion version)
    {
        try
        {
            return CompiledRule.Compile(version.RuleId, version.Version, version.Parse());
        }
        catch (Exception e) when (e is ArgumentException or System.Text.Json.JsonException)
        {
            LogNotCompiled(logger, version.RuleId, version.Version, e.GetType().Name);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Earning rule {RuleId} version {Version} does not compile ({ExceptionType}) and is left out.")]
    private static partial void LogNotCompiled(ILogger logger, Guid ruleId, int version, string exceptionType);
}

/// <summary>
/// The earning rules deciding every purchase; registered by the Campaigns module over Members' base-rate fallback.
/// Writes only the reservations of rules with counted caps (per member per day, month or lifetime, or a budget).
/// </summary>
internal sealed partial class RulesEarningEngine(
    ActiveRules activeRules, CapReservations reservations, IPurchaseHistory purchaseHistory, ISegmentMembership segmentMembership,
    ILogger<RulesEarningEngine> logger) : IEarningEngine
{
    public async Task<EarningDecision> DecideAsync(EarningRequest request, CancellationToken cancellationToken)
    {
        var rules = await activeRules.ForProgramAsync(request.Program.Code, cancellationToken);
        var segments = await SegmentsAsync(segmentMembership, request, rules, cancellationToken);
        var history = await HistoryAsync(purchaseHistory, request, rules, logger, cancellationToken, segments);
        var evaluation = RuleEvaluator.Evaluate(request, rules, logger, history: history, segments: segments);
        return (await WithCountedCapsAsync(request, rules, evaluation, history, reservations, logger, cancellationToken, segments)).Decision;
    }

    /// <summary>The member's segments: one query, only when a rule's audience names segments (else null).</summary>
    public static async Task<IReadOnlySet<string>?> SegmentsAsync(
        ISegmentMembership segmentMembership, EarningRequest request, IReadOnlyList<CompiledRule> rules, CancellationToken cancellationToken) =>
        rules.Any(r => r.Segments.Count > 0)
            ? await segmentMembership.SegmentsOfAsync(request.Program.Code, request.Member.Id, cancellationToken)
            : null;

    /// <summary>
    /// Reserves what the rules with counted caps gave in <paramref name="evaluation"/>; where a counter allows less, the
    /// request is evaluated again with what was granted as the rule's limit, and reservations above what the rule then
    /// gives are lowered. A counted rule that reserved nothing (it did not apply the first time) gives nothing the
    /// second time, so no rule ever gives unreserved points. Purchases and activities both decide through it.
    /// </summary>
    public static async Task<Evaluation> WithCountedCapsAsync(
        EarningRequest request, IReadOnlyList<CompiledRule> rules, Evaluation evaluation, PurchaseHistory? history,
        CapReservations reservations, ILogger logger, CancellationToken cancellationToken, IReadOnlySet<string>? segments = null)
    {
        if (!rules.Any(r => r.CountedCaps.Count > 0))
        {
            return evaluation;
        }

        var context = new EarningContext(request, segments: segments);
        var granted = new Dictionary<Guid, long>();
        var anyShort = false;
        for (var r = 0; r < rules.Count; r++)
        {
            var rule = rules[r];
            var outcome = evaluation.Rules[r];
            if (rule.CountedCaps.Count == 0)
            {
                continue;
            }

            granted[rule.RuleId] = outcome is { Outcome: "applied", Points: > 0 } ? await ReserveOrNothingAsync(reservations, rule, context, outcome.Points, logger, cancellationToken) : 0;
            anyShort |= granted[rule.RuleId] < Math.Max(outcome.Points, 0);
        }

        if (!anyShort)
        {
            return evaluation;
        }

        var limited = RuleEvaluator.Evaluate(request, rules, logger, granted, history, segments);
        for (var r = 0; r < rules.Count; r++)
        {
            if (granted.TryGetValue(rules[r].RuleId, out var reserved) && reserved > Math.Max(limited.Rules[r].Points, 0))
            {
                await reservations.LowerToAsync(request, rules[r].RuleId, Math.Max(limited.Rules[r].Points, 0), cancellationToken);
            }
        }

        return limited;
    }

    /// <summary>
    /// The member's earlier purchases, when an active rule's behavioural condition may ask (one query per part asked).
    /// If Members cannot answer, those rules fail and are skipped; the purchase still earns the others.
    /// </summary>
    public static async Task<PurchaseHistory?> HistoryAsync(
        IPurchaseHistory purchaseHistory, EarningRequest request, IReadOnlyList<CompiledRule> rules, ILogger logger, CancellationToken cancellationToken,
        IReadOnlySet<string>? segments = null)
    {
        if (RuleEvaluator.HistoryQuery(request, rules, segments) is not { } query)
        {
            return null;
        }

        try
        {
            return await purchaseHistory.OfMemberAsync(query, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogHistoryFailed(logger, request.Program.Code, e.GetType().Name);
            return null;
        }
    }

    /// <summary>A reservation that fails (the database is unavailable, the time zone unknown) gives the rule nothing, never fails the purchase.</summary>
    private static async Task<long> ReserveOrNothingAsync(
        CapReservations reservations, CompiledRule rule, EarningContext context, long points, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            return await reservations.ReserveAsync(rule, context, points, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogReservationFailed(logger, rule.RuleId, rule.Version, e.GetType().Name);
            return 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The purchase history for program {Program} could not be read ({ExceptionType}); behavioural rules are skipped.")]
    private static partial void LogHistoryFailed(ILogger logger, string program, string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Earning rule {RuleId} version {Version} could not reserve its capped points ({ExceptionType}); it gives none to this purchase.")]
    private static partial void LogReservationFailed(ILogger logger, Guid ruleId, int version, string exceptionType);
}
