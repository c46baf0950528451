using System.Reflection;
using Loyalty.Connectors.Sdk;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.Connectors.Plugins;

/// <summary>A plugin folder and what became of it: loaded (with its factory) or refused with the reason.</summary>
internal sealed record Plugin(string Folder, ConnectorManifest? Manifest, IConnectorFactory? Factory, string? Error)
{
    public bool IsLoaded => Factory is not null;
}

/// <summary>
/// Loads every plugin folder under the plugins path once, at start, each into its own collectible load context that
/// shares only the SDK (and the logging abstractions its types use) with the host. A plugin that cannot load is kept
/// with its reason, for the API and the health check, and the host goes on.
/// </summary>
internal sealed class PluginCatalog : IDisposable
{
    private const string SdkAssemblyName = "Loyalty.Connectors.Sdk";

    private readonly List<PluginLoader> _loaders = [];

    public PluginCatalog(IOptions<ConnectorsOptions> options, ILogger<PluginCatalog> logger)
    {
        var root = options.Value.ResolvedPluginsPath;
        var plugins = new List<Plugin>();
        if (Directory.Exists(root))
        {
            foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
            {
                var plugin = Load(folder, plugins);
                if (plugin.IsLoaded)
                {
                    logger.LogInformation("Connector plugin {Id} {Version} loaded from {Folder}", plugin.Manifest!.Id, plugin.Manifest.Version, folder);
                }
                else
                {
                    logger.LogError("Connector plugin in {Folder} was not loaded: {Reason}", folder, plugin.Error);
                }

                plugins.Add(plugin);
            }
        }
        else
        {
            logger.LogInformation("No connector plugins: {Folder} does not exist", root);
        }

        Plugins = plugins;
    }

    public IReadOnlyList<Plugin> Plugins { get; }

    public Plugin? Find(string connectorId) => Plugins.FirstOrDefault(p => p.IsLoaded && p.Manifest!.Id == connectorId);

    public void Dispose()
    {
        foreach (var loader in _loaders)
        {
            loader.Dispose();
        }
    }

    private Plugin Load(string folder, IReadOnlyList<Plugin> loaded)
    {
        ConnectorManifest manifest;
        try
        {
            manifest = ConnectorManifest.Load(folder);
        }
        catch (Exception e) when (e is InvalidManifestException or IOException or UnauthorizedAccessException)
        {
            return new Plugin(folder, null, null, e is FileNotFoundException ? $"{ConnectorManifest.FileName} is missing" : e.Message);
        }

        if (SdkContract.Incompatibility(manifest.ParsedSdkVersion) is { } incompatible)
        {
            return new Plugin(folder, manifest, null, $"refused: {incompatible}");
        }

        if (loaded.Any(p => p.IsLoaded && p.Manifest!.Id == manifest.Id))
        {
            return new Plugin(folder, manifest, null, $"refused: another plugin folder already provides the connector id '{manifest.Id}'");
        }

        PluginLoader? loader = null;
        try
        {
            loader = PluginLoader.CreateFromAssemblyFile(
                Path.Combine(folder, manifest.Assembly),
                isUnloadable: true,
                sharedTypes: [typeof(IConnectorFactory), typeof(ILogger)],
                configure: config => config.PreferSharedTypes = true);
            var assembly = loader.LoadDefaultAssembly();
            var sdk = assembly.GetReferencedAssemblies().FirstOrDefault(a => a.Name == SdkAssemblyName);
            if (sdk?.Version?.Major is { } major && major != SdkContract.Major)
            {
                loader.Dispose();
                return new Plugin(folder, manifest, null, $"refused: {manifest.Assembly} is compiled against connector SDK {sdk.Version}, this host runs SDK {SdkContract.Version}");
            }

            var type = assembly.GetType(manifest.EntryType, throwOnError: false);
            if (type is null || !typeof(IConnectorFactory).IsAssignableFrom(type))
            {
                loader.Dispose();
                return new Plugin(folder, manifest, null, $"entry type {manifest.EntryType} is not a public {nameof(IConnectorFactory)} in {manifest.Assembly}");
            }

            var factory = (IConnectorFactory)Activator.CreateInstance(type)!;
            _loaders.Add(loader);
            return new Plugin(folder, manifest, factory, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            loader?.Dispose();
            var cause = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
            return new Plugin(folder, manifest, null, $"failed to load: {cause.GetType().Name}: {cause.Message}");
        }
    }
}
