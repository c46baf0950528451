using Loyalty.Administration.ApiKeys;
using Loyalty.Administration.Audit;
using Loyalty.Administration.Contracts;
using Loyalty.Administration.DataProtection;
using Loyalty.Administration.Outbox;
using Loyalty.Administration.Persistence;
using Loyalty.Administration.SignIn;
using Loyalty.Administration.Users;
using Loyalty.Shared.Modules;
using Loyalty.Shared.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Administration;

/// <summary>Admin users, API keys, sign-in, the audit trail and outbox operations.</summary>
public sealed class AdministrationModule : LoyaltyModule
{
    /// <summary>Picks the API key handler when a bearer token is presented, the cookie otherwise.</summary>
    public const string AuthenticationScheme = "Loyalty";

    public override string Name => AdministrationDbContext.SchemaName;

    public override void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<AdministrationDbContext, SqliteAdministrationDbContext, PostgresAdministrationDbContext, SqlServerAdministrationDbContext>(
            configuration, Name);
        services.AddSharedKeyRing(configuration);
        services.AddScoped<IAdminUsers, AdminUsers>();
        services.AddSingleton<IPasswordHasher<AdminUser>, PasswordHasher<AdminUser>>();
        services.AddSingleton<ApiKeyCache>();

        services.AddAuthentication(AuthenticationScheme)
            .AddPolicyScheme(AuthenticationScheme, "Cookie or API key", options => options.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, options =>
            {
                options.Cookie.Name = "loyalty.auth";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = true;
                options.Events.OnValidatePrincipal = SignInEndpoints.ValidateSessionAsync;
                // The API answers 401/403; redirects to a sign-in page are for the admin UI only.
                options.Events.OnRedirectToLogin = context => Answer(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => Answer(context, StatusCodes.Status403Forbidden);
            });
    }

    public override void MapEndpoints(RouteGroupBuilder api)
    {
        api.MapSignInEndpoints();
        api.MapUserEndpoints();
        api.MapApiKeyEndpoints();
        api.MapAuditEndpoints();
        api.MapOutboxEndpoints();
    }

    private static Task Answer(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }
}
