using System.Text.RegularExpressions;
using Loyalty.Campaigns.EarningRules;
using Loyalty.Shared.Http;

namespace Loyalty.Campaigns.Activities;

/// <summary>
/// What a rule can answer: <c>purchase</c>, a built-in activity, or an activity type the program defines
/// (<see cref="ActivityType"/>, lower-case codes such as <c>post-dinner-survey</c>). An activity has no amount and no
/// lines, so an activity rule gives fixed points and asks only about the member and the time.
/// </summary>
internal static partial class ActivityTriggers
{
    public const string Purchase = "purchase";
    public const string Enrollment = "enrollment";
    public const string Birthday = "birthday";
    /// <summary>Fired for the referrer when a referral completes.</summary>
    public const string ReferralCompleted = "referralCompleted";

    /// <summary>Fired for the referred member when their referral completes.</summary>
    public const string ReferredCompleted = "referredCompleted";
    public const string ReviewWritten = "reviewWritten";
    public const string SurveyCompleted = "surveyCompleted";
    public const string ProfileCompleted = "profileCompleted";

    public static readonly IReadOnlySet<string> BuiltIn = new HashSet<string>(StringComparer.Ordinal)
    {
        Enrollment, Birthday, ReferralCompleted, ReferredCompleted, ReviewWritten, SurveyCompleted, ProfileCompleted,
    };

    /// <summary>A custom type's code: lower case letters, digits and dashes, 2-50 characters, starting with a letter.</summary>
    public static bool IsCustomCode(string? code) => code is not null && CustomCode().IsMatch(code);

    public static void Validate(RuleDefinition definition, ValidationErrors errors)
    {
        var trigger = definition.Trigger;
        if (trigger is null or Purchase)
        {
            if (definition.Conditions is { } purchaseConditions)
            {
                CheckConditions(purchaseConditions, "conditions", errors, 1, activity: false);
            }

            return;
        }

        errors.Check(BuiltIn.Contains(trigger) || IsCustomCode(trigger), "trigger",
            "Use purchase, a built-in activity (enrollment, birthday, referralCompleted, referredCompleted, reviewWritten, surveyCompleted, profileCompleted) or the code of an activity type of the program.");
        errors.Check(definition.ExcludeLines is null, "excludeLines", "An activity has no lines to exclude.");
        if (definition.Effects is { } effects)
        {
            errors
                .Check(effects.FixedPoints is not null || effects.GrantVoucher is not null, "effects.fixedPoints", "An activity rule gives fixed points, a voucher (grantVoucher) or both.")
                .Check(effects.PointsPerCurrencyUnit is null, "effects.pointsPerCurrencyUnit", "An activity has no amount to earn on; give fixedPoints.")
                .Check(effects.Multiplier is null, "effects.multiplier", "An activity has no base points to multiply; give fixedPoints.");
        }

        if (definition.Conditions is { } conditions)
        {
            CheckConditions(conditions, "conditions", errors, 1, activity: true);
        }
    }

    /// <summary>
    /// An activity rule asks about the member and the activity's attributes, a purchase rule never about an activity's
    /// attributes; the combinators go with both.
    /// </summary>
    private static void CheckConditions(RuleCondition condition, string field, ValidationErrors errors, int depth, bool activity)
    {
        if (depth > RuleDefinition.MaxConditionDepth)
        {
            return;
        }

        if (activity)
        {
            var purchaseOnly = condition.Total is not null || condition.Sku is not null || condition.Category is not null || condition.Quantity is not null
                || condition.Channel is not null || condition.Store is not null || condition.FirstPurchase is not null || condition.PurchaseNumber is not null
                || condition.PreviousPurchaseWithinDays is not null || condition.NewCategory is not null || condition.Spend is not null
                || condition.Brand is not null || condition.LineAttribute is not null || condition.PaymentMethod is not null || condition.TransactionAttribute is not null;
            errors.Check(!purchaseOnly, field, "An activity rule's conditions ask about the member and the activity only: all, any, not, tier, attribute, age, daysSinceEnrollment or activityAttribute.");
        }
        else
        {
            errors.Check(condition.ActivityAttribute is null, $"{field}.activityAttribute", "Only an activity rule (a trigger other than purchase) asks about an activity's attributes; a purchase's are transactionAttribute.");
        }

        for (var i = 0; i < (condition.All?.Count ?? 0); i++)
        {
            if (condition.All![i] is { } child)
            {
                CheckConditions(child, $"{field}.all[{i}]", errors, depth + 1, activity);
            }
        }

        for (var i = 0; i < (condition.Any?.Count ?? 0); i++)
        {
            if (condition.Any![i] is { } child)
            {
                CheckConditions(child, $"{field}.any[{i}]", errors, depth + 1, activity);
            }
        }

        if (condition.Not is { } not)
        {
            CheckConditions(not, $"{field}.not", errors, depth + 1, activity);
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{1,49}$", RegexOptions.CultureInvariant)]
    private static partial Regex CustomCode();
}
