using Loyalty.Connectors.Plugins;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Loyalty.Connectors.Tests.Plugins;

/// <summary>The plugins the build copied next to the tests, loaded once by the host's own catalog.</summary>
internal static class TestPlugins
{
    public static readonly string Root = Path.Combine(AppContext.BaseDirectory, "plugins");

    public static readonly string CsvFolder = Path.Combine(Root, "Loyalty.Connectors.CsvFolder");

    private static readonly Lazy<PluginCatalog> Shared = new(() => Catalog(Root));

    public static Plugin Csv => Shared.Value.Find("csv-folder") ?? throw new InvalidOperationException(
        "the CSV connector did not load: " + string.Join("; ", Shared.Value.Plugins.Select(p => p.Error)));

    public static PluginCatalog Catalog(string root) =>
        new(Options.Create(new ConnectorsOptions { PluginsPath = root }), NullLogger<PluginCatalog>.Instance);
}
