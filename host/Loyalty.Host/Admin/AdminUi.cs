using Loyalty.Host.Admin.Pages;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Localization;
using MudBlazor.Services;

namespace Loyalty.Host.Admin;

/// <summary>
/// The admin web UI at <c>/admin</c>: Blazor static server rendering, MudBlazor, English and German texts
/// (docs/adr/0006-admin-ui.md). It is a client of the host's own HTTP API, never of a module's internals.
/// </summary>
internal static class AdminUi
{
    public const string SelfApiClient = "loyalty.admin-ui.self";

    public static readonly string[] Cultures = ["en", "de"];

    public static IServiceCollection AddLoyaltyAdminUi(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddMudServices();
        services.AddLocalization();
        services.AddCascadingAuthenticationState();
        services.AddHttpContextAccessor();
        services.AddHttpClient(SelfApiClient, (provider, client) => client.BaseAddress = SelfAddress(provider))
            .ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false });
        services.AddScoped<AdminApi>();
        // Remembers which API-key forms already created their key (Administration/ApiKeys.razor).
        services.AddMemoryCache();
        // A browser that is not signed in is sent to the sign-in page; /api answers 401 as before.
        services.PostConfigure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme, options =>
        {
            options.LoginPath = "/admin/sign-in";
            options.AccessDeniedPath = "/admin/access-denied";
        });
        services.Configure<RequestLocalizationOptions>(options =>
        {
            options.SetDefaultCulture(Cultures[0]).AddSupportedCultures(Cultures).AddSupportedUICultures(Cultures);
            // The switch in the app bar sets the cookie; without it the browser's Accept-Language decides.
            options.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        return services;
    }

    /// <remarks>
    /// Static files are served by <c>UseStaticFiles</c> in Program.cs, not by <c>MapStaticAssets</c>, whose catch-all
    /// endpoint no authorization policy names.
    /// </remarks>
    public static void MapLoyaltyAdminUi(this WebApplication app)
    {
        // Blazor's redirect helper serves no data of ours.
        app.MapRazorComponents<AdminApp>().Finally(endpoint =>
        {
            if (endpoint.DisplayName is "Blazor Opaque Redirection")
            {
                endpoint.Metadata.Add(new AllowAnonymousAttribute());
            }
        });
        var admin = app.MapGroup("/admin").ExcludeFromDescription();
        admin.MapPost("/sign-out", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.LocalRedirect("/admin/sign-in");
        }).AllowAnonymous().WithMetadata(new Microsoft.AspNetCore.Antiforgery.RequireAntiforgeryTokenAttribute());
        admin.MapPost("/culture", (HttpContext http, [Microsoft.AspNetCore.Mvc.FromForm] string culture, [Microsoft.AspNetCore.Mvc.FromForm] string? returnUrl) =>
        {
            if (Cultures.Contains(culture))
            {
                http.Response.Cookies.Append(
                    CookieRequestCultureProvider.DefaultCookieName,
                    CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                    new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, MaxAge = TimeSpan.FromDays(365), IsEssential = true });
            }

            return TypedResults.LocalRedirect(returnUrl is { Length: > 0 } url && url.StartsWith("/admin", StringComparison.Ordinal) ? url : "/admin");
        }).AllowAnonymous();
    }

    /// <summary>The host's own listening address, for the UI's calls to the HTTP API (a wildcard becomes loopback).</summary>
    private static Uri SelfAddress(IServiceProvider provider)
    {
        var address = provider.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            .OrderBy(a => a.StartsWith("https", StringComparison.Ordinal))
            .FirstOrDefault() ?? "http://localhost:5080";
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            uri.Host = "localhost";
        }

        return uri.Uri;
    }
}
