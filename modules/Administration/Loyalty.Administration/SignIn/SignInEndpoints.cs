using System.Security.Claims;
using Loyalty.Administration.Persistence;
using Loyalty.Administration.Users;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Administration.SignIn;

internal sealed record SignInRequest(string? UserName, string? Password);

internal sealed record CurrentUserDto(string Name, string Actor, IReadOnlyList<string> Roles);

/// <summary>Cookie sign-in for people (the admin UI, or a browser on the API reference). Machines use API keys.</summary>
internal static class SignInEndpoints
{
    public static void MapSignInEndpoints(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth");
        auth.MapPost("/sign-in", SignIn).AllowAnonymous();
        auth.MapPost("/sign-out", (Delegate)SignOut).RequireAuthorization(Policies.ViewPrograms);
        auth.MapGet("/me", Me).RequireAuthorization(Policies.ViewPrograms);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SignIn(
        SignInRequest request,
        HttpContext http,
        AdministrationDbContext db,
        IPasswordHasher<AdminUser> hasher,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        // One answer for every failure, so the endpoint does not tell which user names exist.
        var rejected = TypedResults.Problem(
            title: "Sign-in failed.",
            detail: "The user name or password is wrong, or the account is disabled or locked for a while.",
            statusCode: StatusCodes.Status401Unauthorized);
        var now = clock.GetUtcNow();
        var user = await db.Users.SingleOrDefaultAsync(u => u.UserName == request.UserName, cancellationToken);
        if (user is null || user.DisabledAt is not null || user.LockedUntil > now)
        {
            return rejected;
        }

        var verified = hasher.VerifyHashedPassword(user, user.PasswordHash, request.Password ?? string.Empty);
        if (verified == PasswordVerificationResult.Failed)
        {
            user.FailedSignIns++;
            if (user.FailedSignIns >= AdminUser.MaxFailedSignIns)
            {
                user.LockedUntil = now + AdminUser.LockoutDuration;
                user.FailedSignIns = 0;
            }

            await db.SaveChangesAsync(cancellationToken);
            return rejected;
        }

        if (verified == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, request.Password!);
        }

        user.FailedSignIns = 0;
        user.LockedUntil = null;
        user.LastSignInAt = now;
        await db.SaveChangesAsync(cancellationToken);

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new(ClaimTypes.Name, user.UserName),
            new(CurrentActor.ActorClaim, $"user:{user.UserName}"),
        };
        claims.AddRange(user.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        await http.SignInAsync(
            CookieAuthenticationDefaults.AuthenticationScheme,
            new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme)));
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> SignOut(HttpContext http)
    {
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.NoContent();
    }

    private static Ok<CurrentUserDto> Me(ClaimsPrincipal user, [FromServices] CurrentActor actor) =>
        TypedResults.Ok(new CurrentUserDto(
            user.Identity?.Name ?? string.Empty,
            actor.Name,
            [.. user.FindAll(ClaimTypes.Role).Select(c => c.Value)]));
}
