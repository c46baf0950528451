namespace Loyalty.Connectors;

/// <summary>Connector settings, section <c>Modules:Connectors</c>.</summary>
internal sealed class ConnectorsOptions
{
    public const string Section = "Modules:Connectors";

    /// <summary>The folder holding one sub-folder per connector plugin; empty means <c>plugins</c> next to the host's assembly.</summary>
    public string? PluginsPath { get; set; }

    public string ResolvedPluginsPath =>
        string.IsNullOrEmpty(PluginsPath) ? Path.Combine(AppContext.BaseDirectory, "plugins") : Path.GetFullPath(PluginsPath);
}
