using Loyalty.Connectors.Sdk;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Loyalty.Connectors.Plugins;

internal static class PluginEndpoints
{
    public static void MapPluginEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/plugins", List).RequireAuthorization(Policies.Administer);
    }

    private static Ok<IReadOnlyList<PluginDto>> List(PluginCatalog catalog) =>
        TypedResults.Ok<IReadOnlyList<PluginDto>>([.. catalog.Plugins.Select(PluginDto.From)]);
}

/// <param name="Folder">The plugin's folder name under the plugins directory.</param>
/// <param name="Status">"loaded" or "failed".</param>
/// <param name="Error">Why a failed plugin was not loaded.</param>
/// <param name="Configuration">The settings a connection of this connector takes; secrets are marked.</param>
internal sealed record PluginDto(
    string Folder, string? Id, string? Name, string? Version, string? SdkVersion, string Status, string? Error, IReadOnlyList<ConfigurationProperty> Configuration)
{
    public static PluginDto From(Plugin p) => new(
        Path.GetFileName(p.Folder), p.Manifest?.Id, p.Manifest?.Name, p.Manifest?.Version, p.Manifest?.SdkVersion,
        p.IsLoaded ? "loaded" : "failed", p.Error, p.Manifest?.Configuration ?? []);
}
