using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Loyalty.Campaigns.Contracts;
using Loyalty.Campaigns.EarningRules;
using Loyalty.Members.Contracts;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loyalty.Campaigns.Benchmarks;

/// <summary>
/// Issue 4's target: a purchase of 5 lines against 50 active rules (mixed conditions, 10 behavioural) in memory, at
/// least 100,000 evaluations a second on one core. The rules are compiled once, as the engine's cache holds them; the
/// member's purchase history is what Members would answer for them.
/// </summary>
[Config(typeof(OneCore))]
[MemoryDiagnoser]
public class EarningRulesBenchmark
{
    private static readonly DateTimeOffset At = new(2026, 11, 14, 11, 30, 0, TimeSpan.Zero);

    private EarningRequest _request = null!;
    private IReadOnlyList<CompiledRule> _rules = null!;
    private PurchaseHistory _history = null!;

    [GlobalSetup]
    public void Setup()
    {
        _rules = RuleEvaluator.Order(Rules().Select(json => CompiledRule.Compile(
            Guid.CreateVersion7(), 1, JsonSerializer.Deserialize<RuleDefinition>(json, EarningRuleVersion.Json)!)));
        _request = new EarningRequest(
            new EarningProgram(Guid.NewGuid(), "bench", "Europe/Berlin", "EUR", 100, 1m, "PerLine"),
            new EarningMember(Guid.NewGuid(), At.AddDays(-400), "web", new DateOnly(1988, 3, 9), "gold", 1.5m,
                new Dictionary<string, string> { ["newsletter"] = "yes", ["segment"] = "runners" }),
            new EarningPurchase("T-1", At, "pos", "berlin-1", 28_497,
            [
                new EarningLine(1, "runner-42", "shoes", 1, 12_999, 12_999),
                new EarningLine(2, "sock-3", "apparel", 3, 499, 1_497),
                new EarningLine(3, "cap-1", "hats", 1, 2_500, 2_500),
                new EarningLine(4, "bottle", "accessories", 2, 1_250, 2_500),
                new EarningLine(5, "jacket-9", "outerwear", 1, 9_001, 9_001),
            ]));
        _history = new PurchaseHistory(
            24,
            [.. Enumerable.Range(1, 20).Select(i => new PastPurchase(At.AddDays(-i * 17), 3_000 + (i * 250)))],
            new HashSet<string>(["shoes", "apparel", "hats", "food", "books", "toys", "garden", "music", "games", "tools"], StringComparer.OrdinalIgnoreCase));

        var evaluation = Evaluate();
        var behavioural = _rules.Count(r => r.History.Any);
        if (_rules.Count != 50 || behavioural != 10 || evaluation.Rules.Count(r => r.Outcome == "applied") < 15 || evaluation.Rules.Any(r => r.Outcome == "failed"))
        {
            throw new InvalidOperationException($"The benchmark's rule set is not what it claims: {_rules.Count} rules, {behavioural} behavioural, outcomes {string.Join(", ", evaluation.Rules.GroupBy(r => r.Outcome).Select(g => $"{g.Key} {g.Count()}"))}.");
        }
    }

    [Benchmark]
    public long Evaluate_5_lines_50_rules() => Evaluate().Decision.Points;

    private Evaluation Evaluate() => RuleEvaluator.Evaluate(_request, _rules, NullLogger.Instance, history: _history);

    /// <summary>50 rules as a marketer writes them: 10 look at the member's purchases, the rest at the lines, the purchase and the member.</summary>
    private static IEnumerable<string> Rules()
    {
        string[] behavioural =
        [
            """{ "name": "b1", "conditions": { "previousPurchaseWithinDays": 30 }, "effects": { "multiplier": 2 } }""",
            """{ "name": "b2", "conditions": { "purchaseNumber": { "n": 5, "period": "year" } }, "effects": { "fixedPoints": 500 } }""",
            """{ "name": "b3", "conditions": { "purchaseNumber": { "n": 3, "withinDays": 7 } }, "effects": { "fixedPoints": 30 } }""",
            """{ "name": "b4", "conditions": { "spend": { "withinDays": 90, "min": 30000 } }, "effects": { "fixedPoints": 200 } }""",
            """{ "name": "b5", "conditions": { "newCategory": true }, "effects": { "multiplier": 3 } }""",
            """{ "name": "b6", "conditions": { "firstPurchase": true }, "effects": { "fixedPoints": 100 } }""",
            """{ "name": "b7", "conditions": { "all": [ { "not": { "firstPurchase": true } }, { "category": ["shoes"] } ] }, "effects": { "fixedPoints": 25 } }""",
            """{ "name": "b8", "conditions": { "any": [ { "previousPurchaseWithinDays": 7 }, { "spend": { "withinDays": 365, "min": 100000 } } ] }, "effects": { "pointsPerCurrencyUnit": { "rate": 0.5 } } }""",
            """{ "name": "b9", "audience": { "tiers": ["gold"] }, "conditions": { "all": [ { "newCategory": true }, { "total": { "min": 10000 } } ] }, "effects": { "fixedPoints": 75 } }""",
            """{ "name": "b10", "conditions": { "purchaseNumber": { "n": 25 } }, "effects": { "fixedPoints": 250 } }""",
        ];
        string[] categories = ["shoes", "apparel", "hats", "accessories", "outerwear"];
        var others = Enumerable.Range(0, 40).Select(i => (i % 8) switch
        {
            0 => $$"""{ "name": "c{{i}}", "priority": {{i}}, "conditions": { "category": ["{{categories[i % 5]}}", "food"] }, "effects": { "multiplier": 2, "capPerTransaction": 400 } }""",
            1 => $$"""{ "name": "c{{i}}", "priority": {{i}}, "window": { "from": "2026-11-01T00:00:00", "to": "2026-12-01T00:00:00", "daysOfWeek": ["Saturday", "Sunday"] }, "audience": { "tiers": ["gold", "silver"] }, "effects": { "fixedPoints": {{10 + i}} } }""",
            2 => $$"""{ "name": "c{{i}}", "conditions": { "all": [ { "total": { "min": 5000 } }, { "channel": ["pos", "web"] }, { "not": { "store": ["outlet-{{i}}"] } } ] }, "excludeLines": { "skus": ["gift-card"], "categories": ["shipping"] }, "effects": { "pointsPerCurrencyUnit": { "rate": 1, "rounding": "nearest", "scope": "perTransaction" } } }""",
            3 => $$"""{ "name": "c{{i}}", "stacking": { "mode": "bestOf", "group": "g{{i % 3}}" }, "conditions": { "sku": ["runner-42", "jacket-9", "sku-{{i}}"] }, "effects": { "multiplier": 1.5 } }""",
            4 => $$"""{ "name": "c{{i}}", "conditions": { "any": [ { "attribute": { "key": "newsletter", "equals": "yes" } }, { "age": { "min": 60 } } ] }, "effects": { "fixedPoints": 5 } }""",
            5 => $$"""{ "name": "c{{i}}", "window": { "hours": { "from": "09:00", "to": "20:00" } }, "conditions": { "quantity": { "min": 2 } }, "effects": { "pointsPerCurrencyUnit": { "rate": 2 } } }""",
            6 => $$"""{ "name": "c{{i}}", "stacking": { "mode": "bestOf", "group": "g{{i % 3}}" }, "audience": { "newMembersWithinDays": 30 }, "effects": { "fixedPoints": 300 } }""",
            _ => $$"""{ "name": "c{{i}}", "conditions": { "all": [ { "tier": ["gold"] }, { "daysSinceEnrollment": { "min": 365 } }, { "category": ["{{categories[(i + 2) % 5]}}"] } ] }, "effects": { "multiplier": 1.25, "fixedPoints": 15 } }""",
        });
        return behavioural.Concat(others);
    }

    internal sealed class OneCore : ManualConfig
    {
        public OneCore() => AddJob(Job.Default.WithAffinity(1).WithId("one-core"));
    }
}
