using Loyalty.Host;
using Loyalty.Host.Admin;
using Loyalty.Host.Commands;
using Loyalty.Host.Http;
using Loyalty.Host.Jobs;
using Loyalty.Host.Observability;
using Loyalty.Host.Startup;
using Loyalty.Shared.Http;
using Loyalty.Shared.Modules;
using Loyalty.Shared.Security;

var (command, hostArgs) = HostCommands.Split(args);
var builder = WebApplication.CreateBuilder(hostArgs);
// Packages' web files (MudBlazor's _content/) come from the build output's manifest in every environment, not only in
// Development; a published host has them in wwwroot and no manifest, so this does nothing there.
builder.WebHost.UseStaticWebAssets();

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddModules(builder.Configuration, LoyaltyModules.All);
builder.Services.AddAuthorizationBuilder().AddLoyaltyPolicies();
builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = UnboundParameterProblem.Describe);
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(new NulFreeStringConverter()));
builder.Services.AddExceptionHandler<UnreadableRequestHandler>();
builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();
builder.Services.AddLoyaltyOpenApi();
builder.Services.AddLoyaltyReverseProxy(builder.Configuration);
builder.Services.AddLoyaltyRateLimiting(builder.Configuration);
builder.Services.AddLoyaltyJobs(builder.Configuration, LoyaltyModules.All);
builder.Services.AddLoyaltyAdminUi();
builder.Services.AddLoyaltyTelemetry(builder.Configuration);

var app = builder.Build();

if (command is not null)
{
    return await HostCommands.RunAsync(app, command);
}

app.UseForwardedHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
// The admin UI's style sheets and scripts are public and served before authentication: the fallback policy, which
// requires a signed-in user, would otherwise redirect them to the sign-in page.
app.UseStaticFiles();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
// A key limited to programs is held to them here, for every endpoint at once (docs/api-conventions.md#program-scopes).
app.UseProgramScopes();
// Only the admin UI follows the browser's language; the API answers the same whatever the caller asks.
app.UseWhen(http => http.Request.Path.StartsWithSegments("/admin"), admin => admin.UseRequestLocalization());
app.UseAntiforgery();
app.UseIdempotencyKeys();

app.MapLoyaltyHealthChecks();
app.MapLoyaltyOpenApi();
app.MapModules();
app.MapLoyaltyAdminUi();

await app.PrepareDatabaseAsync();
await app.StartAsync();
app.PrintWelcome();
await app.WaitForShutdownAsync();
return 0;

/// <summary>Exposed for the integration tests' WebApplicationFactory.</summary>
public partial class Program;
