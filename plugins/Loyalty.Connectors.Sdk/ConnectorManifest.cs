using System.Text.Json;
using System.Text.Json.Serialization;

namespace Loyalty.Connectors.Sdk;

/// <summary>
/// A plugin's connector.json: what the host reads before it loads any of the plugin's code, so an admin sees the
/// connector and the configuration it needs (its spec) even when the code cannot load.
/// </summary>
public sealed record ConnectorManifest
{
    public const string FileName = "connector.json";

    /// <summary>Stable id, lower-case letters, digits and dashes (e.g. "salesforce"); connections refer to it.</summary>
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>The connector's own version (semantic version).</summary>
    public required string Version { get; init; }

    /// <summary>The connector SDK contract version the plugin was built for, "major.minor".</summary>
    public required string SdkVersion { get; init; }

    /// <summary>The assembly file, relative to the plugin folder, that holds <see cref="EntryType"/>.</summary>
    public required string Assembly { get; init; }

    /// <summary>Full name of the public type implementing <see cref="IConnectorFactory"/>, with a parameterless constructor.</summary>
    public required string EntryType { get; init; }

    public string? Description { get; init; }

    /// <summary>The settings a connection of this connector needs (the connector's spec).</summary>
    public IReadOnlyList<ConfigurationProperty> Configuration { get; init; } = [];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public Version ParsedSdkVersion => System.Version.Parse(SdkVersion);

    /// <summary>Reads and checks a manifest; a broken one throws <see cref="InvalidManifestException"/> naming the field.</summary>
    public static ConnectorManifest Parse(string json)
    {
        ConnectorManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ConnectorManifest>(json, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidManifestException($"{FileName} is not valid: {e.Message}", e);
        }

        if (manifest is null)
        {
            throw new InvalidManifestException($"{FileName} is empty");
        }

        manifest.Check();
        return manifest;
    }

    public static ConnectorManifest Load(string pluginFolder) =>
        Parse(File.ReadAllText(Path.Combine(pluginFolder, FileName)));

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    private void Check()
    {
        if (string.IsNullOrEmpty(Id) || !Id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
        {
            throw new InvalidManifestException($"{FileName}: id must be lower-case letters, digits and dashes");
        }

        if (!System.Version.TryParse(SdkVersion, out var sdk) || sdk.Build != -1)
        {
            throw new InvalidManifestException($"{FileName}: sdkVersion must be \"major.minor\", e.g. \"{SdkContract.Version}\"");
        }

        foreach (var (field, value) in new[] { ("name", Name), ("version", Version), ("assembly", Assembly), ("entryType", EntryType) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new InvalidManifestException($"{FileName}: {field} is required");
            }
        }

        var duplicate = Configuration.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidManifestException($"{FileName}: configuration property '{duplicate.Key}' is declared twice");
        }

        if (Configuration.Any(p => string.IsNullOrWhiteSpace(p.Name)))
        {
            throw new InvalidManifestException($"{FileName}: every configuration property needs a name");
        }
    }
}

public sealed class InvalidManifestException : Exception
{
    public InvalidManifestException(string message) : base(message)
    {
    }

    public InvalidManifestException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public InvalidManifestException()
    {
    }
}
