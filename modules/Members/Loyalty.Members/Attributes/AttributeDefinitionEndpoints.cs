using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Attributes;

internal sealed record AttributeDefinitionDto(string Key, string Type, bool Required, int? MaxLength, IReadOnlyList<string> AllowedValues)
{
    public static AttributeDefinitionDto From(AttributeDefinition d) =>
        new(d.Key, d.Type.ToString().ToLowerInvariant(), d.Required, d.MaxLength, d.AllowedValues);
}

internal sealed record SaveAttributeDefinitionRequest(string? Type, bool? Required, int? MaxLength, List<string>? AllowedValues);

internal static class AttributeDefinitionEndpoints
{
    public const int MaxAllowedValues = 100;

    public static void MapAttributeDefinitionEndpoints(this RouteGroupBuilder api)
    {
        var definitions = api.MapGroup("/programs/{program}/attribute-definitions");
        definitions.MapGet("/", List).RequireAuthorization(Policies.ViewPrograms);
        definitions.MapPut("/{key}", Save).RequireAuthorization(Policies.ManagePrograms);
        definitions.MapDelete("/{key}", Delete).RequireAuthorization(Policies.ManagePrograms);
    }

    private static async Task<Results<Ok<List<AttributeDefinitionDto>>, ProblemHttpResult>> List(
        string program, MembersDbContext db, CancellationToken cancellationToken)
    {
        var loyaltyProgram = await db.FindProgramAsync(program, cancellationToken);
        if (loyaltyProgram is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        var definitions = await db.AttributeDefinitionsAsync(loyaltyProgram.Id, cancellationToken);
        return TypedResults.Ok(definitions.OrderBy(d => d.Key, StringComparer.Ordinal).Select(AttributeDefinitionDto.From).ToList());
    }

    /// <summary>
    /// Creates (201) or replaces (200) the definition of <paramref name="key"/>. Members' stored values are not
    /// re-checked; the rules apply from their next enrolment or profile update.
    /// </summary>
    private static async Task<Results<Created<AttributeDefinitionDto>, Ok<AttributeDefinitionDto>, ValidationProblem, ProblemHttpResult>> Save(
        string program, string key, SaveAttributeDefinitionRequest request, MembersDbContext db, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        AttributeType type = default;
        var typeKnown = request.Type is not null && !int.TryParse(request.Type, out _) && Enum.TryParse(request.Type, ignoreCase: true, out type);
        var isEnum = typeKnown && type == AttributeType.Enum;
        var values = request.AllowedValues ?? [];
        var errors = new ValidationErrors()
            .Check(key.Length is > 0 and <= AttributeDefinition.MaxKeyLength && char.IsAsciiLetter(key[0]) && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'), "key", $"1-{AttributeDefinition.MaxKeyLength} letters, digits, - and _, starting with a letter.")
            .Check(typeKnown, "type", "Use string, integer, decimal, boolean, date or enum.")
            .Check(request.MaxLength is null || (type == AttributeType.String && request.MaxLength is >= 1 and <= AttributeDefinition.MaxValueLength), "maxLength", $"Only for string attributes: 1 to {AttributeDefinition.MaxValueLength}.")
            .Check(isEnum ? values.Count is > 0 and <= MaxAllowedValues : values.Count == 0, "allowedValues", isEnum ? $"Give 1 to {MaxAllowedValues} values." : "Only for enum attributes.")
            .Check(values.All(v => v.Length is > 0 and <= AttributeDefinition.MaxValueLength) && values.Distinct(StringComparer.Ordinal).Count() == values.Count, "allowedValues", $"Values are distinct, 1-{AttributeDefinition.MaxValueLength} characters.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var loyaltyProgram = await db.FindProgramAsync(program, cancellationToken);
        if (loyaltyProgram is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        var now = clock.GetUtcNow();
        var definition = await db.AttributeDefinitions.SingleOrDefaultAsync(d => d.ProgramId == loyaltyProgram.Id && d.Key == key, cancellationToken);
        var created = definition is null;
        if (definition is null)
        {
            definition = new AttributeDefinition { Id = Guid.CreateVersion7(now), ProgramId = loyaltyProgram.Id, Key = key };
            db.AttributeDefinitions.Add(definition);
        }

        definition.Type = type;
        definition.Required = request.Required ?? false;
        definition.MaxLength = request.MaxLength;
        definition.AllowedValues = values;
        definition.UpdatedAt = now;
        audit.Record(db, "members.attribute-definition.saved", "attribute-definition", definition.Id.ToString(), new { program, key, type = type.ToString(), required = definition.Required });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (created)
        {
            return TypedResults.Problem(title: "The attribute was defined concurrently.", detail: "Read the definitions and repeat the change.", statusCode: StatusCodes.Status409Conflict);
        }

        var dto = AttributeDefinitionDto.From(definition);
        return created ? TypedResults.Created($"/api/members/programs/{program}/attribute-definitions/{key}", dto) : TypedResults.Ok(dto);
    }

    /// <summary>Removes a definition; values members already have stay. With no definitions left, attributes are free-form again.</summary>
    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> Delete(
        string program, string key, MembersDbContext db, AuditTrail audit, CancellationToken cancellationToken)
    {
        var loyaltyProgram = await db.FindProgramAsync(program, cancellationToken);
        if (loyaltyProgram is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        var definition = await db.AttributeDefinitions.SingleOrDefaultAsync(d => d.ProgramId == loyaltyProgram.Id && d.Key == key, cancellationToken);
        if (definition is null)
        {
            return TypedResults.NotFound();
        }

        db.AttributeDefinitions.Remove(definition);
        audit.Record(db, "members.attribute-definition.deleted", "attribute-definition", definition.Id.ToString(), new { program, key });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }
}
