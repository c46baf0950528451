namespace Loyalty.Connectors.Sdk;

/// <summary>
/// The version of the connector contract this SDK defines. A plugin declares the version it was built for in
/// connector.json (<see cref="ConnectorManifest.SdkVersion"/>); the host loads it only when the major versions are
/// equal and the plugin's minor version is not newer than the host's.
/// </summary>
public static class SdkContract
{
    public const int Major = 1;

    public const int Minor = 1;

    public static Version Version { get; } = new(Major, Minor);

    /// <summary>Why a plugin built for <paramref name="pluginVersion"/> cannot run on this SDK, or null when it can.</summary>
    public static string? Incompatibility(Version pluginVersion)
    {
        ArgumentNullException.ThrowIfNull(pluginVersion);
        if (pluginVersion.Major != Major)
        {
            return $"the plugin was built for connector SDK {pluginVersion.Major}.x, this host runs SDK {Version}; rebuild the plugin against SDK {Major}.x";
        }

        return pluginVersion.Minor > Minor
            ? $"the plugin needs connector SDK {pluginVersion}, this host runs SDK {Version}; update the host"
            : null;
    }
}
