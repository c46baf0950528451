using System.Runtime.Loader;
using Loyalty.Connectors.Sdk;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loyalty.Connectors.Tests.Plugins;

public sealed class PluginCatalogTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("plugins-").FullName;

    [Fact]
    public async Task A_plugin_loads_into_its_own_collectible_context_sharing_the_SDK()
    {
        CopyCsvPlugin("csv");
        using var catalog = TestPlugins.Catalog(_root);

        var plugin = Assert.Single(catalog.Plugins);
        Assert.True(plugin.IsLoaded, plugin.Error);
        var context = AssemblyLoadContext.GetLoadContext(plugin.Factory!.GetType().Assembly)!;
        Assert.NotSame(AssemblyLoadContext.Default, context);
        Assert.True(context.IsCollectible);
        Assert.Same(typeof(IConnectorFactory).Assembly, plugin.Factory.GetType().GetInterfaces().Single().Assembly);
        var configuration = ConnectorConfiguration.Create(plugin.Manifest!.Configuration, new Dictionary<string, string?> { ["folder"] = _root }, out _);
        await using var connector = plugin.Factory.Create(new ConnectorContext("c", configuration, () => new HttpClient(), NullLogger.Instance, TimeProvider.System));
        Assert.True((await connector.CheckConnectionAsync(CancellationToken.None)).Succeeded);
    }

    [Fact]
    public void A_plugin_built_for_another_major_SDK_version_is_refused_with_the_reason()
    {
        EditManifest(CopyCsvPlugin("csv"), "\"sdkVersion\": \"1.0\"", "\"sdkVersion\": \"2.0\"");

        using var catalog = TestPlugins.Catalog(_root);

        var plugin = Assert.Single(catalog.Plugins);
        Assert.False(plugin.IsLoaded);
        Assert.Equal("refused: the plugin was built for connector SDK 2.x, this host runs SDK 1.1; rebuild the plugin against SDK 1.x", plugin.Error);
    }

    [Fact]
    public void A_plugin_that_fails_to_load_is_reported_and_the_others_still_load()
    {
        var broken = CopyCsvPlugin("a-broken");
        EditManifest(broken, "\"id\": \"csv-folder\"", "\"id\": \"broken\"");
        File.WriteAllText(Path.Combine(broken, "Loyalty.Connectors.CsvFolder.dll"), "not an assembly");
        CopyCsvPlugin("b-csv");

        using var catalog = TestPlugins.Catalog(_root);

        Assert.Equal([false, true], catalog.Plugins.Select(p => p.IsLoaded));
        Assert.StartsWith("failed to load: BadImageFormatException", catalog.Plugins[0].Error, StringComparison.Ordinal);
        Assert.NotNull(catalog.Find("csv-folder"));
        Assert.Null(catalog.Find("broken"));
    }

    [Fact]
    public void A_wrong_entry_type_a_missing_manifest_and_a_second_plugin_with_the_same_id_are_reported()
    {
        EditManifest(CopyCsvPlugin("a-entry"), "CsvFolderConnectorFactory\"", "Nothing\"");
        Directory.CreateDirectory(Path.Combine(_root, "b-empty"));
        CopyCsvPlugin("c-first");
        CopyCsvPlugin("d-second");

        using var catalog = TestPlugins.Catalog(_root);

        Assert.Equal(
            [
                "entry type Loyalty.Connectors.CsvFolder.Nothing is not a public IConnectorFactory in Loyalty.Connectors.CsvFolder.dll",
                "connector.json is missing",
                null,
                "refused: another plugin folder already provides the connector id 'csv-folder'",
            ],
            catalog.Plugins.Select(p => p.Error));
    }

    [Fact]
    public void No_plugins_folder_means_no_plugins()
    {
        using var catalog = TestPlugins.Catalog(Path.Combine(_root, "missing"));

        Assert.Empty(catalog.Plugins);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string CopyCsvPlugin(string name)
    {
        var target = Path.Combine(_root, name);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(TestPlugins.CsvFolder))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        return target;
    }

    private static void EditManifest(string folder, string from, string to)
    {
        var path = Path.Combine(folder, ConnectorManifest.FileName);
        var text = File.ReadAllText(path);
        Assert.Contains(from, text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }
}
