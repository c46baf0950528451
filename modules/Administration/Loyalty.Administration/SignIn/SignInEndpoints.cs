using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Loyalty.Administration.Persistence;
using Loyalty.Administration.Users;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
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
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Administration.SignIn;

internal sealed record SignInRequest(string? UserName, string? Password);

internal sealed record CurrentUserDto(string Name, string Actor, IReadOnlyList<string> Roles);

internal sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

/// <summary>Cookie sign-in for people (the admin UI, or a browser on the API reference). Machines use API keys.</summary>
internal static class SignInEndpoints
{
    public static void MapSignInEndpoints(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth");
        auth.MapPost("/sign-in", SignIn).AllowAnonymous()
            .WithExample("Sign in (sets the session cookie)", new SignInRequest("admin", "the password printed at first start"));
        auth.MapPost("/sign-out", (Delegate)SignOut).RequireAuthorization(Policies.ViewPrograms).AllowForLimitedCallers();
        auth.MapGet("/me", Me).RequireAuthorization(Policies.ViewPrograms).AllowForLimitedCallers();
        auth.MapPost("/change-password", ChangePassword).RequireAuthorization(Policies.ViewPrograms)
            .WithExample("Change your password (other sessions end)", new ChangePasswordRequest("the old one", "a new passphrase of at least 12 characters"));
    }

    /// <summary>
    /// Checks a session cookie against the account on every request: a disabled account, or a password changed since
    /// the cookie was issued (its stamp no longer matches), ends the session.
    /// </summary>
    public static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var db = context.HttpContext.RequestServices.GetRequiredService<AdministrationDbContext>();
        var id = Guid.TryParse(context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier), out var parsed) ? parsed : Guid.Empty;
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, context.HttpContext.RequestAborted);
        if (user is null || user.DisabledAt is not null || context.Principal?.FindFirstValue(SessionStampClaim) != SessionStamp(user))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }

        // Roles changed since the cookie was issued: the session goes on with the roles the account has now.
        var roles = context.Principal!.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal);
        if (!roles.SequenceEqual(user.Roles.Order(StringComparer.Ordinal), StringComparer.Ordinal))
        {
            context.ReplacePrincipal(Principal(user));
            context.ShouldRenew = true;
        }
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
        await IssueCookieAsync(http, user);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ValidationProblem>> ChangePassword(
        ChangePasswordRequest request,
        HttpContext http,
        AdministrationDbContext db,
        IPasswordHasher<AdminUser> hasher,
        AuditTrail audit,
        CancellationToken cancellationToken)
    {
        var id = Guid.TryParse(http.User.FindFirstValue(ClaimTypes.NameIdentifier), out var parsed) ? parsed : Guid.Empty;
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        var errors = new ValidationErrors()
            .Check(user is not null, "currentPassword", "Only a signed-in user (not an API key) has a password to change.")
            .Check(user is null || hasher.VerifyHashedPassword(user, user.PasswordHash, request.CurrentPassword ?? string.Empty) != PasswordVerificationResult.Failed, "currentPassword", "The current password is wrong.")
            .Check(request.NewPassword is { Length: >= AdminUsers.MinPasswordLength }, "newPassword", $"Use at least {AdminUsers.MinPasswordLength} characters.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        user!.PasswordHash = hasher.HashPassword(user, request.NewPassword!);
        audit.Record(db, "admin.user.password-changed", "user", user.Id.ToString());
        await db.SaveChangesAsync(cancellationToken);
        // Other sessions of this user end (their stamp is stale); this one continues with a new cookie.
        await IssueCookieAsync(http, user);
        return TypedResults.NoContent();
    }

    private const string SessionStampClaim = "loyalty:session-stamp";

    /// <summary>Derived from the password hash, so changing the password invalidates every session issued before.</summary>
    private static string SessionStamp(AdminUser user) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(user.PasswordHash)))[..16];

    private static Task IssueCookieAsync(HttpContext http, AdminUser user) =>
        http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, Principal(user));

    private static ClaimsPrincipal Principal(AdminUser user)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new(ClaimTypes.Name, user.UserName),
            new(CurrentActor.ActorClaim, $"user:{user.UserName}"),
            new(SessionStampClaim, SessionStamp(user)),
        };
        claims.AddRange(user.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
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
