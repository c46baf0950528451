using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Loyalty.Shared.Security;

/// <summary>Who is acting in this request, for audit entries: the signed-in user, the API key, or the system.</summary>
public sealed class CurrentActor(IHttpContextAccessor httpContext)
{
    /// <summary>The claim carrying <c>user:name</c> or <c>apikey:name</c>.</summary>
    public const string ActorClaim = "loyalty:actor";

    public string Name =>
        httpContext.HttpContext?.User.FindFirstValue(ActorClaim) ?? "system";
}
