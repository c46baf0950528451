using System.Collections.Concurrent;
using Loyalty.Campaigns.Contracts;
using Loyalty.Campaigns.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Loyalty.Campaigns.EarningRules;

/// <summary>A program's active rules compiled, with the stamp of the rule set they were built from.</summary>
internal sealed record CompiledRuleSet(Guid Stamp, IReadOnlyList<CompiledRule> Rules);

/// <summary>The compiled rules of each program on this node (a singleton); <see cref="ActiveRules"/> keeps it current.</summary>
internal sealed class EarningRuleCache
{
    public ConcurrentDictionary<string, CompiledRuleSet> Programs { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Reads a program's active rules: from the cache while the program's stamp is unchanged, else compiled afresh.
/// Within one scope (an HTTP request, a batch of an import) the stamp is read again only after
/// <see cref="StampRecheck"/>, so a batch of purchases does not read it once per purchase.
/// </summary>
internal sealed partial class ActiveRules(CampaignsDbContext db, EarningRuleCache cache, TimeProvider clock, ILogger<ActiveRules> logger)
{
    private static readonly TimeSpan StampRecheck = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, (CompiledRuleSet? Rules, DateTimeOffset ReadAt)> _read = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<CompiledRule>> ForProgramAsync(string program, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_read.TryGetValue(program, out var read) && now - read.ReadAt < StampRecheck)
        {
            return read.Rules?.Rules ?? [];
        }

        var rules = await ReadAsync(program, cancellationToken);
        _read[program] = (rules, now);
        return rules?.Rules ?? [];
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
        var previous = cached?.Rules.ToDictionary(r => (r.RuleId, r.Version)) ?? [];
        var rules = RuleEvaluator.Order(versions.Select(v => previous.GetValueOrDefault((v.RuleId, v.Version)) ?? CompileOrSkip(v)).OfType<CompiledRule>());
        var compiled = new CompiledRuleSet(stamp.Value, rules);
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

/// <summary>The earning rules deciding every purchase; registered by the Campaigns module over Members' base-rate fallback. Reads only.</summary>
internal sealed class RulesEarningEngine(ActiveRules activeRules, ILogger<RulesEarningEngine> logger) : IEarningEngine
{
    public async Task<EarningDecision> DecideAsync(EarningRequest request, CancellationToken cancellationToken)
    {
        var rules = await activeRules.ForProgramAsync(request.Program.Code, cancellationToken);
        return RuleEvaluator.Evaluate(request, rules, logger).Decision;
    }
}
