using Loyalty.Consent.Consents;
using Loyalty.Consent.Persistence;
using Loyalty.Consent.Requests;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Purposes;

internal sealed record CreatePurposeRequest(string? Key, string? Name, string? Description);

/// <param name="MaterialChange">Whether the version changes what members agree to; if so, consents to older versions stop counting.</param>
internal sealed record PublishVersionRequest(Dictionary<string, string>? Texts, bool MaterialChange);

internal sealed record VersionDto(int Version, bool MaterialChange, DateTimeOffset PublishedAt, string PublishedBy, IReadOnlyDictionary<string, string> Texts);

/// <param name="Versions">Every version, newest first; the list shows only the latest.</param>
internal sealed record PurposeDto(string Key, string Name, string Description, int LatestVersion, int ValidFromVersion, DateTimeOffset CreatedAt, IReadOnlyList<VersionDto> Versions)
{
    public static PurposeDto From(Purpose p, bool allVersions) => new(
        p.Key, p.Name, p.Description, p.LatestVersion, p.ValidFromVersion, p.CreatedAt,
        [.. p.Texts.GroupBy(t => t.Version).OrderByDescending(g => g.Key).Take(allVersions ? int.MaxValue : 1).Select(g => new VersionDto(
            g.Key, g.First().MaterialChange, g.First().PublishedAt, g.First().PublishedBy, g.OrderBy(t => t.Locale, StringComparer.Ordinal).ToDictionary(t => t.Locale, t => t.Text)))]);
}

internal static class PurposeEndpoints
{
    public static void MapPurposeEndpoints(this RouteGroupBuilder api)
    {
        var purposes = api.MapGroup("/programs/{program}/purposes");
        purposes.MapGet("/", List).RequireAuthorization(Policies.ViewPrograms);
        purposes.MapGet("/{key}", Get).RequireAuthorization(Policies.ViewPrograms);
        purposes.MapPost("/", Create).RequireAuthorization(Policies.ProtectData).WithIdempotencyKey<ConsentDbContext>()
            .WithExample("Define a purpose members are asked to consent to", new CreatePurposeRequest(
                "email-marketing", "Newsletter and offers by email", "Our weekly newsletter and personal offers, based on your purchases."));
        purposes.MapPost("/{key}/versions", Publish).RequireAuthorization(Policies.ProtectData).WithIdempotencyKey<ConsentDbContext>()
            .WithExample("Publish a version of the consent text, one text per locale", new PublishVersionRequest(new Dictionary<string, string>
            {
                ["en"] = "Yes, send me the newsletter and personal offers by email. I can unsubscribe at any time.",
                ["de"] = "Ja, schickt mir den Newsletter und persönliche Angebote per E-Mail. Ich kann mich jederzeit abmelden.",
            }, MaterialChange: true));
    }

    /// <summary>The program of a route, or its 404 problem.</summary>
    public static async Task<(LoyaltyProgramDto? Program, ProblemHttpResult? Problem)> ResolveAsync(ILoyaltyPrograms programs, string code, CancellationToken cancellationToken) =>
        await programs.FindAsync(code, cancellationToken) is { } program
            ? (program, null)
            : (null, TypedResults.Problem(title: "Unknown program.", detail: $"There is no program '{code}'.", statusCode: StatusCodes.Status404NotFound));

    public static ProblemHttpResult UnknownPurpose(string key) =>
        TypedResults.Problem(title: "Unknown purpose.", detail: $"The program has no purpose '{key}'.", statusCode: StatusCodes.Status404NotFound);

    private static async Task<Results<Ok<List<PurposeDto>>, ProblemHttpResult>> List(string program, ILoyaltyPrograms programs, ConsentDbContext db, CancellationToken cancellationToken)
    {
        var (found, problem) = await ResolveAsync(programs, program, cancellationToken);
        if (found is null)
        {
            return problem!;
        }

        var purposes = await db.Purposes.AsNoTracking().Include(p => p.Texts).Where(p => p.ProgramId == found.Id).OrderBy(p => p.Key).ToListAsync(cancellationToken);
        return TypedResults.Ok(purposes.ConvertAll(p => PurposeDto.From(p, allVersions: false)));
    }

    private static async Task<Results<Ok<PurposeDto>, ProblemHttpResult>> Get(string program, string key, ILoyaltyPrograms programs, ConsentDbContext db, CancellationToken cancellationToken)
    {
        var (found, problem) = await ResolveAsync(programs, program, cancellationToken);
        if (found is null)
        {
            return problem!;
        }

        var purpose = await db.Purposes.AsNoTracking().Include(p => p.Texts).SingleOrDefaultAsync(p => p.ProgramId == found.Id && p.Key == key, cancellationToken);
        return purpose is null ? UnknownPurpose(key) : TypedResults.Ok(PurposeDto.From(purpose, allVersions: true));
    }

    /// <summary>Idempotent on the key: the same purpose again answers it; a different one under the same key is a conflict.</summary>
    private static async Task<Results<Created<PurposeDto>, Ok<PurposeDto>, ValidationProblem, ProblemHttpResult>> Create(
        string program, CreatePurposeRequest body, ILoyaltyPrograms programs, ConsentDbContext db, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors()
            .Check(body.Key is { Length: > 0 and <= 60 } && ConsentRequests.Token().IsMatch(body.Key), "key", "Give a key of lower-case words joined by hyphens, at most 60 characters (email-marketing).")
            .CheckText(body.Name, "name", required: true, max: 200)
            .CheckText(body.Description, "description", required: true, max: 2000);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var (found, problem) = await ResolveAsync(programs, program, cancellationToken);
        if (found is null)
        {
            return problem!;
        }

        var existing = await db.Purposes.AsNoTracking().Include(p => p.Texts).SingleOrDefaultAsync(p => p.ProgramId == found.Id && p.Key == body.Key, cancellationToken);
        if (existing is not null)
        {
            return existing.Name == body.Name!.Trim() && existing.Description == body.Description!.Trim()
                ? TypedResults.Ok(PurposeDto.From(existing, allVersions: true))
                : TypedResults.Problem(title: "The purpose exists.", detail: $"The program has a purpose '{body.Key}' with another name or description.", statusCode: StatusCodes.Status409Conflict);
        }

        var now = clock.GetUtcNow();
        var purpose = new Purpose { Id = Guid.CreateVersion7(now), ProgramId = found.Id, Key = body.Key!, Name = body.Name!.Trim(), Description = body.Description!.Trim(), CreatedAt = now };
        db.Purposes.Add(purpose);
        audit.Record(db, "consent.purpose.created", "purpose", purpose.Id.ToString(), new { program, key = purpose.Key });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/consent/programs/{program}/purposes/{purpose.Key}", PurposeDto.From(purpose, allVersions: true));
    }

    private static async Task<Results<Created<VersionDto>, ValidationProblem, ProblemHttpResult>> Publish(
        string program, string key, PublishVersionRequest body, ILoyaltyPrograms programs, ConsentDbContext db, AuditTrail audit, CurrentActor actor, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors().Check(body.Texts is { Count: > 0 }, "texts", "Give the text in at least one locale: { \"en\": \"…\" }.");
        foreach (var (locale, text) in body.Texts ?? [])
        {
            errors.Check(locale.Length <= 20 && ConsentRequests.LocaleTag().IsMatch(locale), $"texts.{locale}", "Not a language tag such as en or de-AT.")
                .CheckText(text, $"texts.{locale}", required: true, max: 8000);
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var (found, problem) = await ResolveAsync(programs, program, cancellationToken);
        if (found is null)
        {
            return problem!;
        }

        var purpose = await db.Purposes.SingleOrDefaultAsync(p => p.ProgramId == found.Id && p.Key == key, cancellationToken);
        if (purpose is null)
        {
            return UnknownPurpose(key);
        }

        var now = clock.GetUtcNow();
        var version = purpose.LatestVersion + 1;
        var material = body.MaterialChange || version == 1;
        var texts = body.Texts!.Select(t => new ConsentText
        {
            Id = Guid.CreateVersion7(now), PurposeId = purpose.Id, Version = version, Locale = t.Key, Text = t.Value, MaterialChange = material,
            PublishedAt = now, PublishedBy = actor.Name,
        }).ToList();
        db.ConsentTexts.AddRange(texts);
        purpose.LatestVersion = version;
        purpose.ValidFromVersion = material ? version : purpose.ValidFromVersion;
        audit.Record(db, "consent.purpose.version-published", "purpose", purpose.Id.ToString(),
            new { program, key, version, materialChange = material, locales = body.Texts!.Keys.Order(StringComparer.Ordinal) });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return TypedResults.Problem(title: "Another version was published at the same time.", detail: "Read the purpose and publish again.", statusCode: StatusCodes.Status409Conflict);
        }

        return TypedResults.Created($"/api/consent/programs/{program}/purposes/{key}",
            new VersionDto(version, material, now, actor.Name, texts.OrderBy(t => t.Locale, StringComparer.Ordinal).ToDictionary(t => t.Locale, t => t.Text)));
    }
}
