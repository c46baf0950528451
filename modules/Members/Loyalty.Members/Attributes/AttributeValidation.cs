using System.Globalization;
using Loyalty.Members.Persistence;
using Loyalty.Shared.Http;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Attributes;

/// <summary>Checks a member's custom attributes against the program's definitions; enrolment, profile updates and imports share it.</summary>
internal static class AttributeValidation
{
    /// <summary>
    /// Adds an error named <c>attributes.&lt;key&gt;</c> to <paramref name="errors"/> (or a new collection) for every
    /// unknown key, missing required key and value of the wrong type. No definitions means free-form: nothing to check.
    /// </summary>
    public static ValidationErrors Validate(IReadOnlyCollection<AttributeDefinition> definitions, IReadOnlyDictionary<string, string>? attributes, ValidationErrors? errors = null)
    {
        errors ??= new ValidationErrors();
        if (definitions.Count == 0)
        {
            return errors;
        }

        var byKey = definitions.ToDictionary(d => d.Key, StringComparer.Ordinal);
        foreach (var (key, value) in attributes ?? new Dictionary<string, string>())
        {
            if (!byKey.TryGetValue(key, out var definition))
            {
                errors.Check(false, $"attributes.{key}", $"This program has no attribute '{key}'; it defines {string.Join(", ", byKey.Keys.Order(StringComparer.Ordinal))}.");
                continue;
            }

            var problem = Problem(definition, value);
            errors.Check(problem is null, $"attributes.{key}", problem ?? string.Empty);
        }

        foreach (var definition in definitions.Where(d => d.Required && (attributes is null || !attributes.ContainsKey(d.Key))))
        {
            errors.Check(false, $"attributes.{definition.Key}", "Required by this program.");
        }

        return errors;
    }

    /// <summary>The definitions of one program, for <see cref="Validate"/>.</summary>
    public static async Task<List<AttributeDefinition>> AttributeDefinitionsAsync(this MembersDbContext db, Guid programId, CancellationToken cancellationToken) =>
        await db.AttributeDefinitions.AsNoTracking().Where(d => d.ProgramId == programId).ToListAsync(cancellationToken);

    private static string? Problem(AttributeDefinition definition, string value) => definition.Type switch
    {
        AttributeType.String when value.Length > (definition.MaxLength ?? AttributeDefinition.MaxValueLength) =>
            $"At most {definition.MaxLength ?? AttributeDefinition.MaxValueLength} characters.",
        AttributeType.Integer when !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) =>
            "Give a whole number, such as 42.",
        AttributeType.Decimal when !decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _) =>
            "Give a number with a decimal point, such as 12.50.",
        AttributeType.Boolean when value is not ("true" or "false") =>
            "Give true or false.",
        AttributeType.Date when !DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) =>
            "Give a date as yyyy-MM-dd, such as 2026-11-20.",
        AttributeType.Enum when !definition.AllowedValues.Contains(value, StringComparer.Ordinal) =>
            $"Use one of: {string.Join(", ", definition.AllowedValues)}.",
        _ => null,
    };
}
