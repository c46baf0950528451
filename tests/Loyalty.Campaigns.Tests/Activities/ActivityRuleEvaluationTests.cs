using System.Text.Json;
using Loyalty.Campaigns.Activities;
using Loyalty.Campaigns.Contracts;
using Loyalty.Campaigns.EarningRules;
using Loyalty.Members.Contracts;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loyalty.Campaigns.Tests.Activities;

public sealed class ActivityRuleEvaluationTests
{
    private static readonly DateTimeOffset November = new(2026, 11, 14, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_activity_earns_its_rules_fixed_points_untouched_by_the_tier_multiplier_for_the_audience_only()
    {
        var rule = Rule("""
            { "name": "Survey for Gold", "trigger": "post-dinner-survey", "audience": { "tiers": ["gold"] },
              "conditions": { "age": { "min": 18 } }, "effects": { "fixedPoints": 100 } }
            """);

        var gold = RuleEvaluator.Evaluate(Activity("gold", 2m), [rule], NullLogger.Instance);
        var silver = RuleEvaluator.Evaluate(Activity("silver", 1.25m), [rule], NullLogger.Instance);

        // No amount, so no base points; the bonus is not multiplied by the tier's 2.
        Assert.Equal((100L, 0L, "applied"), (gold.Decision.Points, gold.BasePoints, gold.Rules[0].Outcome));
        Assert.Equal((0L, "notMatched"), (silver.Decision.Points, silver.Rules[0].Outcome));
        Assert.Equal("post-dinner-survey", rule.Trigger);
    }

    [Theory]
    [InlineData("""{ "name": "x", "trigger": "reviewWritten", "effects": { "pointsPerCurrencyUnit": { "rate": 1 } } }""", "effects.pointsPerCurrencyUnit")]
    [InlineData("""{ "name": "x", "trigger": "reviewWritten", "effects": { "fixedPoints": 5 }, "excludeLines": { "skus": ["a"] } }""", "excludeLines")]
    [InlineData("""{ "name": "x", "trigger": "reviewWritten", "effects": { "fixedPoints": 5 }, "conditions": { "not": { "firstPurchase": true } } }""", "conditions.not")]
    [InlineData("""{ "name": "x", "trigger": "Review", "effects": { "fixedPoints": 5 } }""", "trigger")]
    public void An_activity_rule_asking_about_a_purchase_is_refused_naming_the_part(string json, string field)
    {
        var definition = JsonSerializer.Deserialize<RuleDefinition>(json, EarningRuleVersion.Json)!;
        var errors = definition.Validate();

        Assert.False(errors.IsEmpty);
        var problem = (Microsoft.AspNetCore.Http.HttpValidationProblemDetails)errors.ToProblem().ProblemDetails;
        Assert.Contains(field, problem.Errors.Keys);
    }

    [Fact]
    public void A_purchase_rule_is_validated_as_before_and_answers_purchases()
    {
        var rule = Rule("""{ "name": "double", "effects": { "multiplier": 2 } }""");
        Assert.Equal(ActivityTriggers.Purchase, rule.Trigger);
    }

    private static CompiledRule Rule(string json) =>
        CompiledRule.Compile(Guid.CreateVersion7(), 1, JsonSerializer.Deserialize<RuleDefinition>(json, EarningRuleVersion.Json)!);

    private static EarningRequest Activity(string tier, decimal multiplier) => ActivityRecorder.AsEarningRequest(
        new ActivityMember(
            new EarningProgram(Guid.NewGuid(), "shop", "Europe/Berlin", "EUR", 100, 1m, "PerLine"),
            new EarningMember(Guid.NewGuid(), November.AddDays(-30), "web", new DateOnly(1990, 5, 1), tier, multiplier, new Dictionary<string, string>()),
            Active: true, "active"),
        "survey-1", November);
}
