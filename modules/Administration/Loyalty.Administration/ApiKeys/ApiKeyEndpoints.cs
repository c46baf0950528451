using Loyalty.Administration.Persistence;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Administration.ApiKeys;

/// <param name="Programs">The program codes the key may act on; none (or omitted) for every program.</param>
internal sealed record CreateApiKeyRequest(string? Name, List<string>? Roles, DateTimeOffset? ExpiresAt, List<string>? Programs = null);

internal sealed record ApiKeyDto(Guid Id, string Name, IReadOnlyList<string> Roles, IReadOnlyList<string> Programs, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

/// <summary>The one answer that carries the clear key; it cannot be read again.</summary>
internal sealed record CreatedApiKeyDto(ApiKeyDto ApiKey, string Key);

internal static class ApiKeyEndpoints
{
    public static void MapApiKeyEndpoints(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/api-keys").RequireAuthorization(Policies.Administer);
        keys.MapGet("/", ListKeys);
        // No Idempotency-Key here: a replay would have to keep the clear key, and the database keeps only its hash.
        keys.MapPost("/", CreateKey)
            .WithExample("Create an API key (shown once)", new CreateApiKeyRequest("berlin-pos", ["Integrator"], null, ["coffee-club"]));
        keys.MapPost("/{id:guid}/revoke", RevokeKey);
    }

    private static async Task<Ok<List<ApiKeyDto>>> ListKeys(AdministrationDbContext db, CancellationToken cancellationToken)
    {
        var keys = await db.ApiKeys.AsNoTracking().OrderBy(k => k.Name).ToListAsync(cancellationToken);
        return TypedResults.Ok(keys.ConvertAll(ToDto));
    }

    private static async Task<Results<Ok<CreatedApiKeyDto>, ValidationProblem>> CreateKey(
        CreateApiKeyRequest request,
        AdministrationDbContext db,
        ILoyaltyPrograms programs,
        AuditTrail audit,
        CurrentActor actor,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var roles = request.Roles ?? [];
        var scope = request.Programs ?? [];
        var unknown = new List<string>();
        foreach (var code in scope.Distinct())
        {
            if (string.IsNullOrWhiteSpace(code) || code.Length > 50 || await programs.FindAsync(code, cancellationToken) is null)
            {
                unknown.Add(code ?? "null");
            }
        }

        var errors = new ValidationErrors()
            .Check(!string.IsNullOrWhiteSpace(request.Name) && request.Name.Length <= 100, "name", "A name of 1-100 characters is required.")
            .Check(roles.Count > 0 && roles.All(Roles.All.Contains), "roles", $"Give one or more of: {string.Join(", ", Roles.All)}.")
            .Check(request.ExpiresAt is null || request.ExpiresAt > now, "expiresAt", "The expiry must be in the future.")
            .Check(unknown.Count == 0, "programs", $"No program has the code: {string.Join(", ", unknown.Take(5).Select(c => $"'{(c.Length > 50 ? c[..50] : c)}'"))}.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var (key, clearKey) = ApiKey.Issue(request.Name!, roles, scope, actor.Name, now, request.ExpiresAt);
        db.ApiKeys.Add(key);
        audit.Record(db, "admin.apikey.created", "apikey", key.Id.ToString(), new { key.Name, key.Roles, key.Programs });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new CreatedApiKeyDto(ToDto(key), clearKey));
    }

    private static async Task<Results<NoContent, NotFound>> RevokeKey(
        Guid id, AdministrationDbContext db, AuditTrail audit, ApiKeyCache cache, TimeProvider clock, CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (key is null)
        {
            return TypedResults.NotFound();
        }

        key.RevokedAt ??= clock.GetUtcNow();
        audit.Record(db, "admin.apikey.revoked", "apikey", key.Id.ToString());
        await db.SaveChangesAsync(cancellationToken);
        cache.Forget(key.LookupId);
        return TypedResults.NoContent();
    }

    private static ApiKeyDto ToDto(ApiKey k) => new(k.Id, k.Name, k.Roles, k.Programs, k.CreatedAt, k.CreatedBy, k.ExpiresAt, k.RevokedAt, k.LastUsedAt);
}
