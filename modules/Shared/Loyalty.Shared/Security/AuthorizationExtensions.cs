using Microsoft.AspNetCore.Authorization;

namespace Loyalty.Shared.Security;

public static class AuthorizationExtensions
{
    /// <summary>Registers <see cref="Policies"/>; anything not covered by an endpoint's policy needs a signed-in caller.</summary>
    public static AuthorizationBuilder AddLoyaltyPolicies(this AuthorizationBuilder authorization)
    {
        foreach (var (policy, roles) in Policies.RolesByPolicy)
        {
            authorization.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
        }

        authorization.SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return authorization;
    }
}
