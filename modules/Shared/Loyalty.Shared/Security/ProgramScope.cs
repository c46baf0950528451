using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Loyalty.Shared.Security;

/// <summary>
/// The programs a caller may act on. An API key limited to programs carries one <see cref="Claim"/> per program code;
/// a caller without any such claim may act on every program, as before scopes existed.
/// </summary>
public static class ProgramScope
{
    /// <summary>One claim per program code the caller is limited to.</summary>
    public const string Claim = "loyalty:program";

    /// <summary>The route value every program's operations carry: <c>/api/{module}/programs/{program}/…</c>.</summary>
    public const string RouteValue = "program";

    public static bool IsLimited(ClaimsPrincipal user) => user.HasClaim(c => c.Type == Claim);

    /// <summary>True when the caller may act on <paramref name="program"/>: it is unlimited, or the code is one of its own.</summary>
    public static bool Allows(ClaimsPrincipal user, string program) =>
        !IsLimited(user) || user.FindAll(Claim).Any(c => string.Equals(c.Value, program, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Marks an operation outside any program's route that a limited caller may still use, because it shows or changes
    /// nothing of a program (the caller's own session), or filters what it shows by <see cref="Allows"/> itself.
    /// </summary>
    public static TBuilder AllowForLimitedCallers<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(ProgramNeutral.Instance);
        return builder;
    }

    /// <summary>
    /// Enforces the scope, once, for every endpoint: a limited caller gets 403 problem+json naming the program when the
    /// route's <c>program</c> is not one of its own, and 403 for an operation of the API that is not limited to one
    /// program (admin, GDPR queues, connectors, creating a program) unless it is marked <see cref="AllowForLimitedCallers"/>.
    /// Runs after authorization, so an anonymous or unauthorized request keeps its 401/403.
    /// </summary>
    public static IApplicationBuilder UseProgramScopes(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var endpoint = http.GetEndpoint();
        // Anonymous endpoints (sign-in, the signed links in messages) authorize by their token, not by the caller.
        if (endpoint is null || !IsLimited(http.User) || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            await next(http);
            return;
        }

        if (http.GetRouteValue(RouteValue) is string program)
        {
            if (Allows(http.User, program))
            {
                await next(http);
                return;
            }

            await Refuse(http, $"This key is limited to other programs than '{program}'.", program);
            return;
        }

        if (http.Request.Path.StartsWithSegments("/api") && endpoint.Metadata.GetMetadata<ProgramNeutral>() is null)
        {
            await Refuse(http, "This operation is not limited to one program, and this key is limited to some programs.", null);
            return;
        }

        await next(http);
    });

    private static Task Refuse(HttpContext http, string detail, string? program)
    {
        var extensions = new Dictionary<string, object?>
        {
            ["errors"] = new Dictionary<string, string[]> { [RouteValue] = [detail] },
        };
        if (program is not null)
        {
            extensions[RouteValue] = program;
        }

        return TypedResults.Problem(
            title: "Outside this key's programs.", detail: detail, statusCode: StatusCodes.Status403Forbidden, extensions: extensions).ExecuteAsync(http);
    }

    private sealed class ProgramNeutral
    {
        public static readonly ProgramNeutral Instance = new();
    }
}
