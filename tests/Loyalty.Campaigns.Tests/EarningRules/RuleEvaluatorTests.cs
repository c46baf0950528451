using Loyalty.Campaigns.Contracts;
using Loyalty.Campaigns.EarningRules;
using Loyalty.Members.Contracts;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loyalty.Campaigns.Tests.EarningRules;

public sealed class RuleEvaluatorTests
{
    private static readonly DateTimeOffset November = new(2026, 11, 14, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Without_rules_the_decision_is_the_base_rate_even_for_a_tier_with_a_multiplier()
    {
        var perLine = Request(tier: ("gold", 1.5m), lines: [Line("a", null, 999), Line("b", null, 1001)]);
        var perTransaction = perLine with { Program = perLine.Program with { BaseRateScope = "PerTransaction" } };

        Assert.Equal([9L, 10L], Evaluate(perLine).Decision.LinePoints);
        Assert.Equal(20, Evaluate(perTransaction).Decision.Points);
        Assert.Equal([9L, 11L], Evaluate(perTransaction).Decision.LinePoints);
    }

    [Fact]
    public void Triple_points_on_shoes_for_gold_in_november_multiply_the_shoe_line_after_the_tier_multiplier()
    {
        var rule = Rule("""
            { "name": "3x shoes for Gold in November", "window": { "from": "2026-11-01T00:00:00", "to": "2026-12-01T00:00:00" },
              "audience": { "tiers": ["gold"] }, "conditions": { "category": ["Shoes"] }, "effects": { "multiplier": 3 } }
            """);
        var gold = Request(tier: ("gold", 1.5m), lines: [Line("runner", "shoes", 10_000), Line("socks", "apparel", 1_000)]);

        // Base 100 and 10, the tier's 1.5 → 150 and 15, the rule's 3 on the shoes → 450.
        var evaluation = Evaluate(gold, rule);
        Assert.Equal(465, evaluation.Decision.Points);
        Assert.Equal([450L, 15L], evaluation.Decision.LinePoints);
        Assert.Equal(300, Assert.Single(evaluation.Rules).Points);

        var silver = Evaluate(Request(tier: ("silver", 1.25m), lines: [Line("runner", "shoes", 10_000)]), rule);
        Assert.Equal((125L, "notMatched", "the member is not in one of the rule's tiers"), (silver.Decision.Points, silver.Rules[0].Outcome, silver.Rules[0].Reason));
        var december = Evaluate(Request(tier: ("gold", 1m), at: new DateTimeOffset(2026, 12, 1, 0, 30, 0, TimeSpan.Zero), lines: [Line("runner", "shoes", 10_000)]), rule);
        Assert.Equal(("notMatched", 100L), (december.Rules[0].Outcome, december.Decision.Points));
    }

    [Fact]
    public void Stacked_rules_combine_an_exclusive_rule_applies_alone_and_best_of_keeps_the_larger_of_its_group()
    {
        var request = Request(lines: [Line("a", null, 10_000)]);
        var doubled = Rule("""{ "name": "double", "priority": 10, "effects": { "multiplier": 2 } }""");
        var bonus = Rule("""{ "name": "bonus", "priority": 5, "effects": { "fixedPoints": 50 } }""");
        var exclusiveBonus = Rule("""{ "name": "bonus", "priority": 5, "stacking": { "mode": "exclusive" }, "effects": { "fixedPoints": 50 } }""");
        var bestDouble = Rule("""{ "name": "double", "priority": 1, "stacking": { "mode": "bestOf", "group": "g" }, "effects": { "multiplier": 2 } }""");
        var bestBonus = Rule("""{ "name": "bonus", "priority": 9, "stacking": { "mode": "bestOf", "group": "g" }, "effects": { "fixedPoints": 50 } }""");

        Assert.Equal(250, Evaluate(request, doubled, bonus).Decision.Points);
        var exclusive = Evaluate(request, doubled, exclusiveBonus);
        Assert.Equal(150, exclusive.Decision.Points);
        Assert.Equal(("notApplied", "the exclusive rule 'bonus' applies alone"), (exclusive.Rules[0].Outcome, exclusive.Rules[0].Reason));
        var bestOf = Evaluate(request, bestDouble, bestBonus);
        Assert.Equal(200, bestOf.Decision.Points);
        Assert.Equal([("bonus", "notApplied"), ("double", "applied")], bestOf.Rules.Select(r => (r.Name, r.Outcome)));
    }

    [Fact]
    public void A_bonus_is_shared_over_the_qualifying_lines_by_amount_and_no_later_multiplier_scales_it()
    {
        var request = Request(lines: [Line("a", "x", 100), Line("b", "x", 100), Line("c", "x", 100), Line("gift", "cards", 5_000)]);
        var bonus = Rule("""{ "name": "bonus", "priority": 10, "excludeLines": { "categories": ["cards"] }, "effects": { "fixedPoints": 100 } }""");
        var doubled = Rule("""{ "name": "double", "priority": 1, "conditions": { "not": { "sku": ["gift"] } }, "effects": { "multiplier": 2 } }""");

        var evaluation = Evaluate(request, bonus, doubled);
        // Base 1, 1, 1, 50; the bonus 33, 33, 34 on the three lines (not the gift card); doubling only the base.
        Assert.Equal([35L, 35L, 36L, 50L], evaluation.Decision.LinePoints);
        Assert.Equal(evaluation.Decision.LinePoints.Sum(), evaluation.Decision.Points);
    }

    [Fact]
    public void The_decision_names_the_rule_versions_that_applied_and_what_each_added()
    {
        var request = Request(lines: [Line("a", null, 10_000)]);
        var doubled = Rule("""{ "name": "double", "priority": 10, "effects": { "multiplier": 2 } }""");
        var bonus = Rule("""{ "name": "bonus", "priority": 5, "effects": { "fixedPoints": 50 } }""");
        var never = Rule("""{ "name": "never", "conditions": { "channel": ["web"] }, "effects": { "fixedPoints": 50 } }""");

        var decision = Evaluate(request, doubled, bonus, never).Decision;

        Assert.Equal([new AppliedRule(doubled.RuleId, 1, "double", 100), new AppliedRule(bonus.RuleId, 1, "bonus", 50)], decision.Rules!);
        Assert.Equal(250, decision.Points);
    }

    [Fact]
    public void Points_per_currency_unit_round_as_told_and_a_cap_limits_what_the_rule_adds()
    {
        var request = Request(lines: [Line("a", null, 1_250), Line("b", null, 1_260)]);
        var nearest = Rule("""{ "name": "rate", "effects": { "pointsPerCurrencyUnit": { "rate": 1, "rounding": "nearest", "scope": "perLine" } } }""");
        var floorOnTotal = Rule("""{ "name": "rate", "effects": { "pointsPerCurrencyUnit": { "rate": 1, "scope": "perTransaction" } } }""");
        var capped = Rule("""{ "name": "ten times", "effects": { "multiplier": 10, "capPerTransaction": 30 } }""");

        Assert.Equal([12L + 13, 12L + 13], Evaluate(request, nearest).Decision.LinePoints);
        Assert.Equal(24 + 25, Evaluate(request, floorOnTotal).Decision.Points);
        var evaluation = Evaluate(request, capped);
        Assert.Equal((24L + 30, 30L), (evaluation.Decision.Points, evaluation.Rules[0].Points));
    }

    [Fact]
    public void The_window_is_read_in_the_programs_time_zone()
    {
        var rule = Rule("""{ "name": "November", "window": { "from": "2026-11-01T00:00:00", "daysOfWeek": ["Sunday"], "hours": { "from": "00:00", "to": "01:00" } }, "effects": { "fixedPoints": 10 } }""");

        // 23:30 UTC on Saturday 31 October is 00:30 on Sunday 1 November in Berlin (UTC+1).
        Assert.Equal(10 + 10, Evaluate(Request(at: new DateTimeOffset(2026, 10, 31, 23, 30, 0, TimeSpan.Zero)), rule).Decision.Points);
        var before = Evaluate(Request(at: new DateTimeOffset(2026, 10, 31, 22, 30, 0, TimeSpan.Zero)), rule);
        Assert.Equal((10L, "the purchase is before the window opens (2026-11-01T00:00 program time)"), (before.Decision.Points, before.Rules[0].Reason));
    }

    [Fact]
    public void A_rule_that_fails_is_skipped_and_the_others_still_apply()
    {
        var request = Request(lines: [Line("a", null, 1_000)]);
        request = request with { Program = request.Program with { TimeZone = "Mars/Olympus_Mons" } };
        var windowed = Rule("""{ "name": "needs the time zone", "priority": 10, "window": { "daysOfWeek": ["Monday"] }, "effects": { "fixedPoints": 100 } }""");
        var plain = Rule("""{ "name": "plain", "effects": { "fixedPoints": 5 } }""");

        var evaluation = Evaluate(request, windowed, plain);
        Assert.Equal(10 + 5, evaluation.Decision.Points);
        Assert.Equal(["failed", "applied"], evaluation.Rules.Select(r => r.Outcome));
    }

    [Fact]
    public void A_stop_flag_keeps_later_rules_from_applying()
    {
        var request = Request(lines: [Line("a", null, 1_000)]);
        var stop = Rule("""{ "name": "first", "priority": 2, "effects": { "fixedPoints": 1, "stopEvaluating": true } }""");
        var later = Rule("""{ "name": "later", "priority": 1, "effects": { "fixedPoints": 100 } }""");

        var evaluation = Evaluate(request, later, stop);
        Assert.Equal(11, evaluation.Decision.Points);
        Assert.Equal(("notApplied", "'first' stops further rules"), (evaluation.Rules[1].Outcome, evaluation.Rules[1].Reason));
    }

    [Fact]
    public void Conditions_on_the_member_combine_with_all_any_and_not()
    {
        var rule = Rule("""
            { "name": "adults from the shop", "conditions": { "all": [
                { "age": { "min": 18 } }, { "any": [ { "attribute": { "key": "source", "equals": "shop" } }, { "daysSinceEnrollment": { "max": 6 } } ] },
                { "not": { "total": { "max": 500 } } } ] },
              "effects": { "fixedPoints": 7 } }
            """);
        var adult = Request(lines: [Line("a", null, 1_000)]);

        Assert.Equal(10 + 7, Evaluate(adult, rule).Decision.Points);
        Assert.Equal(10, Evaluate(adult with { Member = adult.Member with { BirthDate = new DateOnly(2010, 1, 1) } }, rule).Decision.Points);
        Assert.Equal(10, Evaluate(adult with { Member = adult.Member with { Attributes = new Dictionary<string, string>(), EnrolledAt = November.AddDays(-7) } }, rule).Decision.Points);
    }

    [Fact]
    public void What_a_counted_cap_still_allows_limits_the_rule_like_a_lower_cap_per_transaction()
    {
        var request = Request(lines: [Line("a", null, 3_000), Line("b", null, 1_000)]);
        var bonus = Rule("""{ "name": "bonus", "effects": { "fixedPoints": 100, "capPerMember": 500, "capPerTransaction": 80 } }""");

        var unlimited = RuleEvaluator.Evaluate(request, [bonus], NullLogger.Instance);
        var limited = RuleEvaluator.Evaluate(request, [bonus], NullLogger.Instance, new Dictionary<Guid, long> { [bonus.RuleId] = 40 });
        var nothingLeft = RuleEvaluator.Evaluate(request, [bonus], NullLogger.Instance, new Dictionary<Guid, long> { [bonus.RuleId] = 0 });

        Assert.Equal((40L + 80, 80L), (unlimited.Decision.Points, unlimited.Rules[0].Points));
        Assert.Equal([30L + 30, 10L + 10], limited.Decision.LinePoints);
        Assert.Equal((40L, 0L), (nothingLeft.Decision.Points, nothingLeft.Rules[0].Points));
        Assert.Equal([CapPeriod.MemberLifetime], bonus.CountedCaps.Select(c => c.Period));
    }

    [Fact]
    public void Caps_below_zero_are_refused_naming_each_cap()
    {
        var definition = System.Text.Json.JsonSerializer.Deserialize<RuleDefinition>(
            """{ "name": "bonus", "effects": { "fixedPoints": 1, "capPerMemberPerDay": -1, "capPerMemberPerMonth": -1, "capPerMember": -1, "budget": -1 } }""",
            EarningRuleVersion.Json)!;

        Assert.False(definition.Validate().IsEmpty);
        var problem = (Microsoft.AspNetCore.Http.HttpResults.ValidationProblem)definition.Validate().ToProblem();
        Assert.Equal(
            ["effects.budget", "effects.capPerMember", "effects.capPerMemberPerDay", "effects.capPerMemberPerMonth"],
            problem.ProblemDetails.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_field_the_shape_does_not_have_cannot_be_read_even_deep_in_the_conditions()
    {
        var e = Assert.Throws<System.Text.Json.JsonException>(() => System.Text.Json.JsonSerializer.Deserialize<RuleDefinition>(
            """{ "name": "x", "conditions": { "any": [ { "sku": ["a"] }, { "not": { "catgory": ["b"] } } ] }, "effects": { "fixedPoints": 1 } }""",
            EarningRuleVersion.Json));

        Assert.Equal("$.conditions.any[1].not.catgory", e.Path);
    }

    [Fact]
    public void Double_points_on_every_purchase_within_30_days_of_the_previous_one_is_data()
    {
        var rule = Rule("""{ "name": "Come back soon", "conditions": { "previousPurchaseWithinDays": 30 }, "effects": { "multiplier": 2 } }""");
        var request = Request(lines: [Line("a", null, 1_000)]);

        Assert.Equal(20, Evaluate(request, History(November.AddDays(-30)), rule).Decision.Points);
        Assert.Equal(10, Evaluate(request, History(November.AddDays(-31)), rule).Decision.Points);
        Assert.Equal(10, Evaluate(request, History(), rule).Decision.Points);
    }

    [Fact]
    public void Five_hundred_points_for_the_fifth_purchase_of_the_year_counts_the_calendar_year_in_program_time()
    {
        var rule = Rule("""{ "name": "Fifth of the year", "conditions": { "purchaseNumber": { "n": 5, "period": "year" } }, "effects": { "fixedPoints": 500 } }""");
        var request = Request(lines: [Line("a", null, 1_000)]);
        // 23:30 UTC on 31 December 2025 is already 2026 in Berlin.
        var fourThisYear = History(new DateTimeOffset(2025, 12, 31, 23, 30, 0, TimeSpan.Zero), November.AddDays(-100), November.AddDays(-50), November.AddDays(-1));
        var threeThisYear = History(new DateTimeOffset(2025, 12, 31, 22, 30, 0, TimeSpan.Zero), November.AddDays(-100), November.AddDays(-50), November.AddDays(-1));

        Assert.Equal(10 + 500, Evaluate(request, fourThisYear, rule).Decision.Points);
        Assert.Equal(10, Evaluate(request, threeThisYear, rule).Decision.Points);
        Assert.Equal(366, rule.History.RecentDays);
    }

    [Fact]
    public void The_nth_purchase_within_n_days_the_first_purchase_a_new_category_and_recent_spend_are_conditions()
    {
        var third = Rule("""{ "name": "third in a week", "conditions": { "purchaseNumber": { "n": 3, "withinDays": 7 } }, "effects": { "fixedPoints": 30 } }""");
        var first = Rule("""{ "name": "first", "conditions": { "firstPurchase": true }, "effects": { "fixedPoints": 100 } }""");
        var newCategory = Rule("""{ "name": "discover", "conditions": { "newCategory": true }, "effects": { "multiplier": 3 } }""");
        var spender = Rule("""{ "name": "big spender", "conditions": { "spend": { "withinDays": 90, "min": 51000 } }, "effects": { "fixedPoints": 200 } }""");
        var request = Request(lines: [Line("boots", "shoes", 10_000), Line("hat", "hats", 1_000)]);
        // Within 90 days 20,000 + 19,999 + this purchase's 11,000 = 50,999: one minor unit short.
        var history = new PurchaseHistory(5, [new PastPurchase(November.AddDays(-91), 90_000), new PastPurchase(November.AddDays(-6), 20_000), new PastPurchase(November.AddDays(-2), 19_999)], new HashSet<string>(["SHOES"], StringComparer.OrdinalIgnoreCase));

        var evaluation = Evaluate(request, history, third, first, newCategory, spender);
        Assert.Equal(
            [("big spender", "notMatched", 0L), ("discover", "applied", 20L), ("first", "notMatched", 0L), ("third in a week", "applied", 30L)],
            evaluation.Rules.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => (r.Name, r.Outcome, r.Points)));
        var richer = history with { Recent = [.. history.Recent, new PastPurchase(November.AddHours(-1), 1)] };
        Assert.Equal("applied", Evaluate(request, richer, spender).Rules[0].Outcome);
        Assert.Equal("applied", Evaluate(request, PurchaseHistory.None, first).Rules[0].Outcome);
    }

    [Fact]
    public void Members_is_asked_for_history_only_for_what_the_rules_that_may_apply_need()
    {
        var request = Request(lines: [Line("a", null, 1_000)]);
        var plain = Rule("""{ "name": "plain", "effects": { "fixedPoints": 5 } }""");
        var spend = Rule("""{ "name": "spend", "conditions": { "spend": { "withinDays": 90, "min": 1 } }, "effects": { "fixedPoints": 5 } }""");
        var firstForGold = Rule("""{ "name": "first", "audience": { "tiers": ["gold"] }, "conditions": { "firstPurchase": true }, "effects": { "fixedPoints": 5 } }""");
        var discover = Rule("""{ "name": "discover", "conditions": { "any": [ { "newCategory": true }, { "previousPurchaseWithinDays": 7 } ] }, "effects": { "fixedPoints": 5 } }""");

        Assert.Null(RuleEvaluator.HistoryQuery(request, [plain, firstForGold]));
        var query = RuleEvaluator.HistoryQuery(request, [plain, spend, firstForGold, discover])!;
        Assert.Equal((November.AddDays(-90), false, true, "T-1"), (query.RecentSince, query.WithCount, query.WithCategories, query.ExcludingExternalId));
        Assert.Equal("failed", Evaluate(request, spend).Rules[0].Outcome);
    }

    [Fact]
    public void Brand_and_line_attribute_conditions_pick_the_lines_they_name_and_brands_can_be_excluded()
    {
        var red = new Dictionary<string, string> { ["color"] = "red" };
        var request = Request(lines:
        [
            Line("runner", "shoes", 10_000) with { Brand = "Acme", Attributes = red },
            Line("socks", "apparel", 1_000) with { Brand = "other", Attributes = new Dictionary<string, string> { ["color"] = "blue" } },
            Line("cap", "hats", 2_000),
        ]);
        var acme = Rule("""{ "name": "acme", "conditions": { "brand": ["acme"] }, "effects": { "multiplier": 2 } }""");
        var redLines = Rule("""{ "name": "red", "conditions": { "lineAttribute": { "key": "color", "equals": "red" } }, "effects": { "fixedPoints": 7 } }""");
        var notAcme = Rule("""{ "name": "not acme", "excludeLines": { "brands": ["ACME"] }, "effects": { "fixedPoints": 30 } }""");

        // Base 100, 10, 20: the brand (case-insensitive) doubles the runner only, the attribute (exact) gives it 7.
        Assert.Equal([200L, 10L, 20L], Evaluate(request, acme).Decision.LinePoints);
        Assert.Equal([107L, 10L, 20L], Evaluate(request, redLines).Decision.LinePoints);
        var blue = Evaluate(Request(lines: [Line("runner", "shoes", 10_000) with { Attributes = new Dictionary<string, string> { ["color"] = "Red" } }]), redLines);
        Assert.Equal(("notMatched", "no line meets the rule's conditions"), (blue.Rules[0].Outcome, blue.Rules[0].Reason));
        // Excluding the brand leaves the socks (1,000) and the cap (2,000) to share 30 by amount.
        Assert.Equal([100L, 20L, 40L], Evaluate(request, notAcme).Decision.LinePoints);
    }

    [Fact]
    public void Payment_method_and_transaction_attribute_conditions_ask_the_purchase()
    {
        var lines = new[] { Line("runner", "shoes", 10_000) };
        var plain = Request(lines: lines);
        var paid = plain with
        {
            Purchase = plain.Purchase with { PaymentMethod = "Card", Attributes = new Dictionary<string, string> { ["campaign"] = "black-friday" } },
        };
        var card = Rule("""{ "name": "card", "conditions": { "paymentMethod": ["card", "wallet"] }, "effects": { "fixedPoints": 50 } }""");
        var campaign = Rule("""{ "name": "bf", "conditions": { "transactionAttribute": { "key": "campaign", "equals": "black-friday" } }, "effects": { "multiplier": 3 } }""");

        Assert.Equal(150, Evaluate(paid, card).Decision.Points);
        Assert.Equal(300, Evaluate(paid, campaign).Decision.Points);
        Assert.Equal(100, Evaluate(plain, card).Decision.Points);
        Assert.Equal("notMatched", Evaluate(plain, campaign).Rules[0].Outcome);
        var cash = paid with { Purchase = paid.Purchase with { PaymentMethod = "cash", Attributes = new Dictionary<string, string> { ["campaign"] = "summer" } } };
        Assert.Equal(100, Evaluate(cash, card, campaign).Decision.Points);
    }

    [Fact]
    public void Qualifying_points_add_up_over_the_rules_that_apply_and_change_no_spendable_points()
    {
        var request = Request(lines: [Line("runner", "shoes", 10_000)]);
        var status = Rule("""{ "name": "status", "priority": 9, "effects": { "qualifyingPoints": 300 } }""");
        var both = Rule("""{ "name": "both", "priority": 8, "effects": { "fixedPoints": 10, "qualifyingPoints": 200, "capPerTransaction": 5 } }""");
        var shoesOnly = Rule("""{ "name": "hats", "priority": 7, "conditions": { "category": ["hats"] }, "effects": { "qualifyingPoints": 1000 } }""");
        var stopper = Rule("""{ "name": "stop", "priority": 10, "stacking": { "mode": "exclusive" }, "effects": { "qualifyingPoints": 50 } }""");

        var evaluation = Evaluate(request, status, both, shoesOnly);
        // The cap limits the points (5), not the qualifying points; the rule that does not match adds none.
        Assert.Equal((105L, 500L), (evaluation.Decision.Points, evaluation.Decision.QualifyingBonus));
        Assert.Equal([(0L, 300L), (5L, 200L), (0L, 0L)], evaluation.Rules.Select(r => (r.Points, r.QualifyingPoints)));
        Assert.Equal([("status", 0L, 300L), ("both", 5L, 200L)], evaluation.Decision.Rules!.Select(r => (r.Name, r.Points, r.QualifyingPoints)));
        var exclusive = Evaluate(request, status, both, stopper);
        Assert.Equal((100L, 50L), (exclusive.Decision.Points, exclusive.Decision.QualifyingBonus));
    }

    [Theory]
    [InlineData("""{ "brand": [] }""", "conditions.brand")]
    [InlineData("""{ "lineAttribute": { "key": "", "equals": "red" } }""", "conditions.lineAttribute.key")]
    [InlineData("""{ "lineAttribute": { "key": "color" } }""", "conditions.lineAttribute.equals")]
    [InlineData("""{ "paymentMethod": [""] }""", "conditions.paymentMethod")]
    [InlineData("""{ "transactionAttribute": { "equals": "x" } }""", "conditions.transactionAttribute.key")]
    [InlineData("""{ "brand": ["a"], "paymentMethod": ["card"] }""", "conditions")]
    public void A_malformed_purchase_or_line_condition_is_refused_naming_its_part(string condition, string field)
    {
        var definition = System.Text.Json.JsonSerializer.Deserialize<RuleDefinition>(
            $$"""{ "name": "r", "conditions": {{condition}}, "effects": { "fixedPoints": 1 } }""", EarningRuleVersion.Json)!;

        var problem = (Microsoft.AspNetCore.Http.HttpResults.ValidationProblem)definition.Validate().ToProblem();
        Assert.Contains(field, problem.ProblemDetails.Errors.Keys);
    }

    private static Evaluation Evaluate(EarningRequest request, PurchaseHistory history, params CompiledRule[] rules) =>
        RuleEvaluator.Evaluate(request, RuleEvaluator.Order(rules), NullLogger.Instance, history: history);

    private static PurchaseHistory History(params DateTimeOffset[] earlier) =>
        new(earlier.Length, [.. earlier.Select(at => new PastPurchase(at, 1_000))], new HashSet<string>());

    private static Evaluation Evaluate(EarningRequest request, params CompiledRule[] rules) =>
        RuleEvaluator.Evaluate(request, RuleEvaluator.Order(rules), NullLogger.Instance);

    private static CompiledRule Rule(string json) =>
        CompiledRule.Compile(Guid.CreateVersion7(), 1, System.Text.Json.JsonSerializer.Deserialize<RuleDefinition>(json, EarningRuleVersion.Json)!);

    private static EarningLine Line(string sku, string? category, long amount) => new(0, sku, category, 1, amount, amount);

    private static EarningRequest Request((string Code, decimal Multiplier)? tier = null, DateTimeOffset? at = null, EarningLine[]? lines = null) => new(
        new EarningProgram(Guid.NewGuid(), "shop", "Europe/Berlin", "EUR", 100, 1m, "PerLine"),
        new EarningMember(Guid.NewGuid(), November.AddDays(-3), "web", new DateOnly(1990, 5, 1), tier?.Code, tier?.Multiplier ?? 1m, new Dictionary<string, string> { ["source"] = "shop" }),
        new EarningPurchase("T-1", at ?? November, "pos", "berlin-1", (lines ?? []).Sum(l => l.AmountMinor) is var sum and > 0 ? sum : 1_000, lines ?? []));
}
