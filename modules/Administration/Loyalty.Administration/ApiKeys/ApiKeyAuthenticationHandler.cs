using System.Security.Claims;
using System.Text.Encodings.Web;
using Loyalty.Administration.Persistence;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.Administration.ApiKeys;

/// <summary>Authenticates <c>Authorization: Bearer lmk_…</c> against the stored key hashes.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AdministrationDbContext db,
    ApiKeyCache cache,
    TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>Last-used times are written at most this often, not on every request.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        if (!ApiKey.TryParse(header["Bearer ".Length..].Trim(), out var lookupId, out var secret))
        {
            return AuthenticateResult.Fail("The bearer token is not an API key.");
        }

        var key = cache.Find(lookupId);
        if (key is null)
        {
            key = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.LookupId == lookupId, Context.RequestAborted);
            if (key is not null)
            {
                cache.Keep(key);
            }
        }

        var now = clock.GetUtcNow();
        if (key is null || !key.Matches(secret) || !key.IsUsableAt(now))
        {
            return AuthenticateResult.Fail("The API key is unknown, revoked or expired.");
        }

        if (key.LastUsedAt is null || now - key.LastUsedAt > LastUsedResolution)
        {
            key.LastUsedAt = now;
            await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(set => set.SetProperty(k => k.LastUsedAt, now), Context.RequestAborted);
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, key.Id.ToString()),
            new(ClaimTypes.Name, key.Name),
            new(CurrentActor.ActorClaim, $"apikey:{key.Name}"),
        };
        claims.AddRange(key.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        claims.AddRange(key.Programs.Select(p => new Claim(ProgramScope.Claim, p)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}
