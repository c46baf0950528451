namespace Loyalty.Connectors;

/// <summary>Connector settings, section <c>Modules:Connectors</c>.</summary>
internal sealed class ConnectorsOptions
{
    public const string Section = "Modules:Connectors";

    /// <summary>The folder holding one sub-folder per connector plugin; empty means <c>plugins</c> next to the host's assembly.</summary>
    public string? PluginsPath { get; set; }

    /// <summary>How long a connection waits after its CRM refused a run for its rate limit without saying how long.</summary>
    public TimeSpan RateLimitPause { get; set; } = TimeSpan.FromMinutes(15);

    public string ResolvedPluginsPath =>
        string.IsNullOrEmpty(PluginsPath) ? Path.Combine(AppContext.BaseDirectory, "plugins") : Path.GetFullPath(PluginsPath);
}
