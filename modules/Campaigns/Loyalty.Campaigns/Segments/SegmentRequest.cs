using System.Text.Json.Serialization;
using Loyalty.Campaigns.Scores;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Http;

namespace Loyalty.Campaigns.Segments;

/// <summary>
/// A segment as sent: a rule segment gives <see cref="Conditions"/>, a static segment its <see cref="Members"/>
/// (ids, emails or both). <see cref="Marketing"/> (default true) leaves out members who objected or are restricted.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record SegmentRequest(
    string? Code, string? Name, bool? Marketing = null, MemberCondition? Conditions = null, SegmentList? Members = null, ScoreConditions? Scores = null,
    EngagementConditions? Engagement = null)
{
    public const int MaxListSize = 100_000;

    public ValidationErrors Validate()
    {
        var errors = new ValidationErrors()
            .Check(Code is { Length: >= 2 and <= 50 } && Code.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'), "code", "Use 2-50 lowercase letters, digits and dashes.")
            .Check(!string.IsNullOrWhiteSpace(Name) && Name.Length <= 200, "name", "A name of 1-200 characters is required.")
            .Check((Conditions is null) != (Members is null), "conditions", "Give either conditions (a rule segment) or members (a static segment).");
        if (Conditions is not null)
        {
            SegmentConditions.Validate(Conditions, errors);
        }

        if (Scores is not null)
        {
            errors.Check(Conditions is not null, "scores", "Only a rule segment takes conditions on scores; give conditions too.");
            Scores.Validate(errors);
        }

        if (Engagement is not null)
        {
            errors.Check(Conditions is not null, "engagement", "Only a rule segment takes conditions on engagement; give conditions too.");
            Engagement.Validate(errors);
        }

        if (Members is not null)
        {
            var count = (Members.Ids?.Count ?? 0) + (Members.Emails?.Count ?? 0);
            errors.Check(count <= MaxListSize, "members", $"At most {MaxListSize:N0} ids and emails in one upload.");
            for (var i = 0; i < (Members.Emails?.Count ?? 0); i++)
            {
                errors.Check(Members.Emails![i] is { Length: > 2 and <= 320 } email && email.Contains('@', StringComparison.Ordinal), $"members.emails[{i}]", "Give an email address.");
            }
        }

        return errors;
    }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record SegmentList(IReadOnlyList<Guid>? Ids = null, IReadOnlyList<string>? Emails = null);

/// <summary>A count preview of conditions, writing nothing.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record PreviewRequest(MemberCondition? Conditions, bool? Marketing = null, ScoreConditions? Scores = null, EngagementConditions? Engagement = null);

/// <summary>Checks a condition tree, naming each invalid part by its path (<c>conditions.all[1].purchases.min</c>).</summary>
internal static class SegmentConditions
{
    public const int MaxDepth = 8;
    public const int MaxNodes = 100;
    public const int MaxListItems = 200;
    public const int MaxDays = 36_600;

    public static void Validate(MemberCondition condition, ValidationErrors errors, string field = "conditions")
    {
        var nodes = 0;
        Validate(condition, errors, field, 1, ref nodes);
        errors.Check(nodes <= MaxNodes, field, $"At most {MaxNodes} conditions in one segment.");
    }

    private static void Validate(MemberCondition c, ValidationErrors errors, string field, int depth, ref int nodes)
    {
        nodes++;
        var set = new object?[]
        {
            c.All, c.Any, c.Not, c.Age, c.Locale, c.City, c.PostalCode, c.DaysSinceEnrollment, c.Purchases, c.DaysSinceLastPurchase,
            c.AverageOrderValue, c.CategoriesBought, c.PointsBalance, c.Tier, c.Redemptions, c.LifetimeSpend, c.Attribute,
        }.Count(v => v is not null);
        if (set != 1)
        {
            errors.Check(false, field, set == 0 ? "Give one condition, such as age, purchases or all." : "Give exactly one condition here; combine several with all or any.");
            return;
        }

        if (depth > MaxDepth)
        {
            errors.Check(false, field, $"Conditions nest at most {MaxDepth} deep.");
            return;
        }

        foreach (var (children, name) in new[] { (c.All, "all"), (c.Any, "any") })
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

                Validate(children[i], errors, $"{field}.{name}[{i}]", depth + 1, ref nodes);
            }
        }

        if (c.Not is { } not)
        {
            Validate(not, errors, $"{field}.not", depth + 1, ref nodes);
        }

        Range(c.Age, errors, $"{field}.age", 0, 150);
        Range(c.DaysSinceEnrollment, errors, $"{field}.daysSinceEnrollment", 0, MaxDays);
        Range(c.DaysSinceLastPurchase, errors, $"{field}.daysSinceLastPurchase", 0, MaxDays);
        Range(c.AverageOrderValue, errors, $"{field}.averageOrderValue", 0, long.MaxValue / 1_000_000);
        Range(c.PointsBalance, errors, $"{field}.pointsBalance", long.MinValue, long.MaxValue);
        Range(c.LifetimeSpend, errors, $"{field}.lifetimeSpend", long.MinValue, long.MaxValue);
        Count(c.Purchases, errors, $"{field}.purchases");
        Count(c.Redemptions, errors, $"{field}.redemptions");
        List(c.Locale, errors, $"{field}.locale", 35);
        List(c.City, errors, $"{field}.city", 100);
        List(c.PostalCode, errors, $"{field}.postalCode", 20);
        List(c.Tier, errors, $"{field}.tier", 50);
        if (c.CategoriesBought is { } bought)
        {
            errors.Check(bought.Categories is not null, $"{field}.categoriesBought.categories", "Give the categories.");
            List(bought.Categories, errors, $"{field}.categoriesBought.categories", 100);
            Days(bought.WithinDays, errors, $"{field}.categoriesBought.withinDays");
        }

        if (c.Attribute is { } attribute)
        {
            errors
                .Check(attribute.Key is { Length: > 0 and <= 50 }, $"{field}.attribute.key", "Name the attribute (1-50 characters).")
                .Check(attribute.EqualTo is { Length: <= 500 }, $"{field}.attribute.equals", "Give the value to compare with (at most 500 characters).");
        }
    }

    private static void Range(ValueRange? range, ValidationErrors errors, string field, long min, long max)
    {
        if (range is null)
        {
            return;
        }

        errors
            .Check(range.Min is not null || range.Max is not null, field, "Give min, max or both.")
            .Check(range.Min is null || (range.Min >= min && range.Min <= max), $"{field}.min", $"Give {min:N0} to {max:N0}.")
            .Check(range.Max is null || (range.Max >= min && range.Max <= max), $"{field}.max", $"Give {min:N0} to {max:N0}.")
            .Check(range.Min is null || range.Max is null || range.Max >= range.Min, $"{field}.max", "max must not be below min.");
    }

    private static void Count(PurchaseCount? count, ValidationErrors errors, string field)
    {
        if (count is null)
        {
            return;
        }

        Days(count.WithinDays, errors, $"{field}.withinDays");
        Range(new ValueRange(count.Min, count.Max), errors, field, 0, 1_000_000_000);
    }

    private static void Days(int? days, ValidationErrors errors, string field) =>
        errors.Check(days is null or (>= 1 and <= MaxDays), field, $"Give 1 to {MaxDays:N0} days.");

    private static void List(IReadOnlyList<string>? values, ValidationErrors errors, string field, int maxLength)
    {
        if (values is null)
        {
            return;
        }

        errors
            .Check(values.Count is > 0 and <= MaxListItems, field, $"Give 1 to {MaxListItems} values.")
            .Check(values.All(v => !string.IsNullOrWhiteSpace(v) && v.Length <= maxLength), field, $"Each value has 1-{maxLength} characters.");
    }
}
