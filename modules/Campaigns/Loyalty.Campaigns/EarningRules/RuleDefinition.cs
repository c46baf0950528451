using System.Text.Json.Serialization;
using Loyalty.Shared.Http;

namespace Loyalty.Campaigns.EarningRules;

/// <summary>
/// An earning rule as data: the JSON shape that is sent, stored (one per version) and exported. docs/earning-rules.md
/// documents every field. <see cref="Trigger"/> is what the rule answers: <c>purchase</c> (the default) or an activity
/// type (<see cref="Activities.ActivityTriggers"/>). Everything is nullable so that validation, not the serializer, names a missing part; a field
/// the shape does not have is refused when the JSON is read (a misspelt <c>mutliplier</c> must not silently do nothing).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record RuleDefinition(
    string? Name,
    int? Priority,
    RuleWindow? Window,
    RuleStacking? Stacking,
    RuleAudience? Audience,
    RuleCondition? Conditions,
    LineFilter? ExcludeLines,
    RuleEffects? Effects,
    string? Trigger = null)
{
    public const int MaxListItems = 200;
    public const int MaxConditionDepth = 8;
    public const int MaxConditionNodes = 100;
    public const decimal MaxMultiplier = 100m;
    public const decimal MaxRate = 10_000m;
    public const long MaxPoints = 1_000_000_000;
    public const long MaxBudget = 1_000_000_000_000;

    public ValidationErrors Validate()
    {
        var errors = new ValidationErrors()
            .Check(!string.IsNullOrWhiteSpace(Name) && Name.Length <= 200, "name", "A name of 1-200 characters is required.")
            .Check(Priority is null or (>= 0 and <= 10_000), "priority", "Give a priority of 0 to 10,000; higher is evaluated first.");
        Window?.Validate(errors, "window");
        Stacking?.Validate(errors, "stacking");
        Audience?.Validate(errors, "audience");
        if (Conditions is not null)
        {
            var nodes = 0;
            Conditions.Validate(errors, "conditions", 1, ref nodes);
            errors.Check(nodes <= MaxConditionNodes, "conditions", $"At most {MaxConditionNodes} conditions in one rule.");
        }

        ExcludeLines?.Validate(errors, "excludeLines");
        errors.Check(Effects is not null, "effects", "Give at least one effect: fixedPoints, pointsPerCurrencyUnit, multiplier, qualifyingPoints or grantVoucher.");
        Effects?.Validate(errors, "effects");
        Activities.ActivityTriggers.Validate(this, errors);
        return errors;
    }

    internal static void CheckList(ValidationErrors errors, IReadOnlyList<string>? values, string field, bool required = false)
    {
        if (values is null)
        {
            errors.Check(!required, field, "Give a list of values.");
            return;
        }

        errors
            .Check(values.Count is > 0 and <= MaxListItems, field, $"Give 1 to {MaxListItems} values.")
            .Check(values.All(v => !string.IsNullOrWhiteSpace(v) && v.Length <= 100), field, "Every value must have 1-100 characters.");
    }
}

/// <summary>
/// When the rule applies, read in the program's time zone: <see cref="From"/> inclusive, <see cref="To"/> exclusive
/// (local date-times without an offset), optionally only on some days of the week and between two times of day.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record RuleWindow(DateTime? From, DateTime? To, IReadOnlyList<string>? DaysOfWeek, RuleHours? Hours)
{
    public void Validate(ValidationErrors errors, string field)
    {
        errors
            .Check(From is null || From.Value.Kind == DateTimeKind.Unspecified, $"{field}.from", "Give a local date-time without offset, such as 2026-11-01T00:00:00; it is read in the program's time zone.")
            .Check(To is null || To.Value.Kind == DateTimeKind.Unspecified, $"{field}.to", "Give a local date-time without offset, such as 2026-12-01T00:00:00; it is read in the program's time zone.")
            .Check(From is null || To is null || To > From, $"{field}.to", "The window must end after it starts.");
        if (DaysOfWeek is not null)
        {
            errors.Check(
                DaysOfWeek.Count is > 0 and <= 7 && DaysOfWeek.All(d => Enum.TryParse<DayOfWeek>(d, ignoreCase: true, out var day) && Enum.IsDefined(day) && !int.TryParse(d, out _)),
                $"{field}.daysOfWeek",
                "Give 1 to 7 days such as Monday, Saturday.");
        }

        if (Hours is not null)
        {
            errors
                .Check(Hours.From is not null, $"{field}.hours.from", "Give a time of day such as 09:00.")
                .Check(Hours.To is not null, $"{field}.hours.to", "Give a time of day such as 18:00.")
                .Check(Hours.From is null || Hours.To is null || Hours.To > Hours.From, $"{field}.hours.to", "The hours must end after they start on the same day.");
        }
    }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record RuleHours(TimeOnly? From, TimeOnly? To);

/// <summary><c>stack</c> (the default), <c>exclusive</c>, or <c>bestOf</c> with a <see cref="Group"/>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record RuleStacking(string? Mode, string? Group)
{
    public void Validate(ValidationErrors errors, string field)
    {
        var mode = StackingModes.Parse(Mode);
        errors
            .Check(mode is not null, $"{field}.mode", "Use stack, exclusive or bestOf.")
            .Check(mode != StackingMode.BestOf || !string.IsNullOrWhiteSpace(Group), $"{field}.group", "A bestOf rule names its group.")
            .Check(mode == StackingMode.BestOf || Group is null, $"{field}.group", "Only a bestOf rule has a group.")
            .Check(Group is null || Group.Length <= 100, $"{field}.group", "At most 100 characters.");
    }
}

internal enum StackingMode
{
    Stack,
    Exclusive,
    BestOf,
}

internal static class StackingModes
{
    public static StackingMode? Parse(string? mode) => mode?.ToLowerInvariant() switch
    {
        null or "stack" => StackingMode.Stack,
        "exclusive" => StackingMode.Exclusive,
        "bestof" => StackingMode.BestOf,
        _ => null,
    };
}

/// <summary>Who the rule is for; every part given must hold.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record RuleAudience(
    IReadOnlyList<string>? Tiers, IReadOnlyList<string>? EnrollmentChannels, int? NewMembersWithinDays, IReadOnlyList<string>? Segments = null)
{
    public void Validate(ValidationErrors errors, string field)
    {
        RuleDefinition.CheckList(errors, Tiers, $"{field}.tiers");
        RuleDefinition.CheckList(errors, Segments, $"{field}.segments");
        RuleDefinition.CheckList(errors, EnrollmentChannels, $"{field}.enrollmentChannels");
        errors.Check(NewMembersWithinDays is null or (>= 1 and <= 3660), $"{field}.newMembersWithinDays", "Give 1 to 3,660 days.");
    }
}

/// <summary>
/// One condition: exactly one of its fields is set. <c>all</c>, <c>any</c> and <c>not</c> combine others; <c>sku</c>,
/// <c>category</c>, <c>brand</c>, <c>lineAttribute</c>, <c>quantity</c> and <c>newCategory</c> look at a line; the rest
/// at the purchase or the member.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record RuleCondition(
    IReadOnlyList<RuleCondition>? All,
    IReadOnlyList<RuleCondition>? Any,
    RuleCondition? Not,
    Range? Total,
    IReadOnlyList<string>? Sku,
    IReadOnlyList<string>? Category,
    Range? Quantity,
    IReadOnlyList<string>? Channel,
    IReadOnlyList<string>? Store,
    IReadOnlyList<string>? Tier,
    AttributeEquals? Attribute,
    Range? Age,
    Range? DaysSinceEnrollment,
    bool? FirstPurchase = null,
    PurchaseNumber? PurchaseNumber = null,
    int? PreviousPurchaseWithinDays = null,
    bool? NewCategory = null,
    Spend? Spend = null,
    IReadOnlyList<string>? Brand = null,
    AttributeEquals? LineAttribute = null,
    IReadOnlyList<string>? PaymentMethod = null,
    AttributeEquals? TransactionAttribute = null,
    AttributeEquals? ActivityAttribute = null)
{
    public const int MaxDays = 3_660;

    /// <summary>Whether the condition asks about the line at all; one that does not holds for every line alike.</summary>
    public bool LooksAtLines() =>
        Sku is not null || Category is not null || Quantity is not null || NewCategory is not null || Brand is not null || LineAttribute is not null
        || (All ?? []).Concat(Any ?? []).Any(c => c.LooksAtLines()) || Not?.LooksAtLines() == true;

    public void Validate(ValidationErrors errors, string field, int depth, ref int nodes)
    {
        nodes++;
        var set = new object?[]
        {
            All, Any, Not, Total, Sku, Category, Quantity, Channel, Store, Tier, Attribute, Age, DaysSinceEnrollment,
            FirstPurchase, PurchaseNumber, PreviousPurchaseWithinDays, NewCategory, Spend, Brand, LineAttribute, PaymentMethod, TransactionAttribute,
            ActivityAttribute,
        }.Count(v => v is not null);
        errors.Check(set == 1, field, "Give exactly one condition in each object: all, any, not, total, sku, category, brand, lineAttribute, quantity, channel, store, paymentMethod, transactionAttribute, activityAttribute, tier, attribute, age, daysSinceEnrollment, firstPurchase, purchaseNumber, previousPurchaseWithinDays, newCategory or spend.");
        errors
            .Check(FirstPurchase is null or true, $"{field}.firstPurchase", "Give true; for purchases after the first, wrap it in not.")
            .Check(NewCategory is null or true, $"{field}.newCategory", "Give true; for categories bought before, wrap it in not.")
            .Check(PreviousPurchaseWithinDays is null or (>= 1 and <= MaxDays), $"{field}.previousPurchaseWithinDays", $"Give 1 to {MaxDays:N0} days.");
        PurchaseNumber?.Validate(errors, $"{field}.purchaseNumber");
        Spend?.Validate(errors, $"{field}.spend");
        if (depth > RuleDefinition.MaxConditionDepth)
        {
            errors.Check(false, field, $"Conditions nest at most {RuleDefinition.MaxConditionDepth} deep.");
            return;
        }

        foreach (var (children, name) in new[] { (All, "all"), (Any, "any") })
        {
            if (children is null)
            {
                continue;
            }

            errors.Check(children.Count > 0, $"{field}.{name}", "Give at least one condition.");
            for (var i = 0; i < children.Count; i++)
            {
                if (children[i] is null)
                {
                    errors.Check(false, $"{field}.{name}[{i}]", "Give a condition.");
                    continue;
                }

                children[i].Validate(errors, $"{field}.{name}[{i}]", depth + 1, ref nodes);
            }
        }

        Not?.Validate(errors, $"{field}.not", depth + 1, ref nodes);
        Total?.Validate(errors, $"{field}.total", long.MaxValue);
        Quantity?.Validate(errors, $"{field}.quantity", 1_000_000);
        Age?.Validate(errors, $"{field}.age", 150);
        DaysSinceEnrollment?.Validate(errors, $"{field}.daysSinceEnrollment", 36_600);
        foreach (var (list, name) in new[] { (Sku, "sku"), (Category, "category"), (Brand, "brand"), (Channel, "channel"), (Store, "store"), (PaymentMethod, "paymentMethod"), (Tier, "tier") })
        {
            if (list is not null)
            {
                RuleDefinition.CheckList(errors, list, $"{field}.{name}");
            }
        }

        Attribute?.Validate(errors, $"{field}.attribute", "member attribute");
        LineAttribute?.Validate(errors, $"{field}.lineAttribute", "line attribute");
        TransactionAttribute?.Validate(errors, $"{field}.transactionAttribute", "transaction attribute");
        ActivityAttribute?.Validate(errors, $"{field}.activityAttribute", "activity attribute");
    }
}

/// <summary>
/// This purchase is the member's <see cref="N"/>th: ever, within the last <see cref="WithinDays"/> days, or in the
/// calendar <see cref="Period"/> (<c>year</c> or <c>month</c>, program time).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record PurchaseNumber(int? N, int? WithinDays, string? Period)
{
    public void Validate(ValidationErrors errors, string field) =>
        errors
            .Check(N is >= 1 and <= 10_000, $"{field}.n", "Give the purchase's number, 1 to 10,000 (1 is the first).")
            .Check(WithinDays is null or (>= 1 and <= RuleCondition.MaxDays), $"{field}.withinDays", $"Give 1 to {RuleCondition.MaxDays:N0} days.")
            .Check(Period is null or "year" or "month", $"{field}.period", "Use year or month.")
            .Check(WithinDays is null || Period is null, $"{field}.period", "Give withinDays or period, not both.");
}

/// <summary>What the member spent in the last <see cref="WithinDays"/> days, this purchase included, in minor units.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record Spend(int? WithinDays, long? Min, long? Max)
{
    public void Validate(ValidationErrors errors, string field) =>
        errors
            .Check(WithinDays is >= 1 and <= RuleCondition.MaxDays, $"{field}.withinDays", $"Give 1 to {RuleCondition.MaxDays:N0} days.")
            .Check(Min is not null || Max is not null, field, "Give min, max or both.")
            .Check(Min is null or >= 0, $"{field}.min", "Give 0 or more.")
            .Check(Max is null or >= 0, $"{field}.max", "Give 0 or more.")
            .Check(Min is null || Max is null || Max >= Min, $"{field}.max", "max must not be below min.");

    public bool Contains(long value) => (Min is null || value >= Min) && (Max is null || value <= Max);
}

/// <summary>Inclusive bounds; at least one is given.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record Range(decimal? Min, decimal? Max)
{
    public void Validate(ValidationErrors errors, string field, decimal limit) =>
        errors
            .Check(Min is not null || Max is not null, field, "Give min, max or both.")
            .Check(Min is null || (Min >= 0 && Min <= limit), $"{field}.min", $"Give 0 to {limit:N0}.")
            .Check(Max is null || (Max >= 0 && Max <= limit), $"{field}.max", $"Give 0 to {limit:N0}.")
            .Check(Min is null || Max is null || Max >= Min, $"{field}.max", "max must not be below min.");

    public bool Contains(decimal value) => (Min is null || value >= Min) && (Max is null || value <= Max);
}

/// <summary>An attribute (of the member, a line, the purchase or the activity) whose value is exactly <see cref="EqualTo"/> (case-sensitive).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record AttributeEquals(string? Key, [property: JsonPropertyName("equals")] string? EqualTo)
{
    public void Validate(ValidationErrors errors, string field, string what) =>
        errors
            .Check(!string.IsNullOrWhiteSpace(Key) && Key.Length <= 100, $"{field}.key", $"Name the {what} (1-100 characters).")
            .Check(EqualTo is not null && EqualTo.Length <= 500, $"{field}.equals", "Give the value to compare with (at most 500 characters).");
}

/// <summary>Lines a rule never gives points to, by sku, category or brand.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record LineFilter(IReadOnlyList<string>? Skus, IReadOnlyList<string>? Categories, IReadOnlyList<string>? Brands = null)
{
    public void Validate(ValidationErrors errors, string field)
    {
        errors.Check(Skus is not null || Categories is not null || Brands is not null, field, "Give skus, categories, brands or any of them together.");
        RuleDefinition.CheckList(errors, Skus, $"{field}.skus");
        RuleDefinition.CheckList(errors, Categories, $"{field}.categories");
        RuleDefinition.CheckList(errors, Brands, $"{field}.brands");
    }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
/// <summary>
/// What a rule gives. <see cref="CapPerMemberPerDay"/>, <see cref="CapPerMemberPerMonth"/> and <see cref="CapPerMember"/>
/// (the rule's lifetime) limit what one member gets from the rule over its versions; <see cref="Budget"/> what the whole
/// program gets. They are counted in the database (<see cref="CapCounter"/>), the day and month in the program's time zone.
/// <see cref="QualifyingPoints"/> adds to the qualifying (tier status) currency only; no cap or multiplier touches it.
/// </summary>
internal sealed record RuleEffects(
    long? FixedPoints,
    PointsPerCurrencyUnit? PointsPerCurrencyUnit,
    decimal? Multiplier,
    long? CapPerTransaction,
    bool? StopEvaluating,
    long? CapPerMemberPerDay = null,
    long? CapPerMemberPerMonth = null,
    long? CapPerMember = null,
    long? Budget = null,
    long? QualifyingPoints = null,
    GrantVoucherEffect? GrantVoucher = null)
{
    public void Validate(ValidationErrors errors, string field)
    {
        errors
            .Check(FixedPoints is not null || PointsPerCurrencyUnit is not null || Multiplier is not null || QualifyingPoints is not null || GrantVoucher is not null, field, "Give at least one effect: fixedPoints, pointsPerCurrencyUnit, multiplier, qualifyingPoints or grantVoucher.")
            .Check(GrantVoucher is null || GrantVoucher.RewardId is { } id && id != Guid.Empty, $"{field}.grantVoucher.rewardId", "Give the id of the voucher reward (discountVoucher, freeProductVoucher or giftCard) of the program's catalog whose voucher the rule grants.")
            .Check(QualifyingPoints is null or (> 0 and <= RuleDefinition.MaxPoints), $"{field}.qualifyingPoints", $"Give 1 to {RuleDefinition.MaxPoints:N0} qualifying points.")
            .Check(FixedPoints is null or (> 0 and <= RuleDefinition.MaxPoints), $"{field}.fixedPoints", $"Give 1 to {RuleDefinition.MaxPoints:N0} points.")
            .Check(Multiplier is null or (>= 0 and <= RuleDefinition.MaxMultiplier), $"{field}.multiplier", $"Give 0 to {RuleDefinition.MaxMultiplier}, such as 2 for double points (0 takes the points away).")
            .Check(CapPerTransaction is null or (>= 0 and <= RuleDefinition.MaxPoints), $"{field}.capPerTransaction", $"Give 0 to {RuleDefinition.MaxPoints:N0} points.")
            .Check(CapPerMemberPerDay is null or (>= 0 and <= RuleDefinition.MaxPoints), $"{field}.capPerMemberPerDay", $"Give 0 to {RuleDefinition.MaxPoints:N0} points.")
            .Check(CapPerMemberPerMonth is null or (>= 0 and <= RuleDefinition.MaxPoints), $"{field}.capPerMemberPerMonth", $"Give 0 to {RuleDefinition.MaxPoints:N0} points.")
            .Check(CapPerMember is null or (>= 0 and <= RuleDefinition.MaxPoints), $"{field}.capPerMember", $"Give 0 to {RuleDefinition.MaxPoints:N0} points.")
            .Check(Budget is null or (>= 0 and <= RuleDefinition.MaxBudget), $"{field}.budget", $"Give 0 to {RuleDefinition.MaxBudget:N0} points.");
        if (PointsPerCurrencyUnit is { } rate)
        {
            errors
                .Check(rate.Rate is > 0 and <= RuleDefinition.MaxRate, $"{field}.pointsPerCurrencyUnit.rate", $"Give a rate above 0, at most {RuleDefinition.MaxRate:N0}.")
                .Check(Roundings.Parse(rate.Rounding) is not null, $"{field}.pointsPerCurrencyUnit.rounding", "Use floor or nearest.")
                .Check(RateScopes.Parse(rate.Scope) is not null, $"{field}.pointsPerCurrencyUnit.scope", "Use perLine or perTransaction.");
        }
    }
}

/// <summary>
/// A voucher the rule grants each time it applies: one of the Rewards catalog's voucher rewards of the program, used as
/// the template (its terms, validity and code format), issued through Rewards' <c>IVoucherIssuer</c> after the purchase
/// or activity was recorded.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record GrantVoucherEffect(Guid? RewardId);

/// <summary>Bonus points per whole currency unit of the qualifying lines; <c>floor</c> by default, <c>perLine</c> by default.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record PointsPerCurrencyUnit(decimal? Rate, string? Rounding, string? Scope);

internal enum Rounding
{
    Floor,
    Nearest,
}

internal enum RateScope
{
    PerLine,
    PerTransaction,
}

internal static class Roundings
{
    public static Rounding? Parse(string? value) => value?.ToLowerInvariant() switch
    {
        null or "floor" => Rounding.Floor,
        "nearest" => Rounding.Nearest,
        _ => null,
    };
}

internal static class RateScopes
{
    public static RateScope? Parse(string? value) => value?.ToLowerInvariant() switch
    {
        null or "perline" => RateScope.PerLine,
        "pertransaction" => RateScope.PerTransaction,
        _ => null,
    };
}
