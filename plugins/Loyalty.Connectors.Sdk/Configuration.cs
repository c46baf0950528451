using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Loyalty.Connectors.Sdk;

/// <summary>One setting of a connection, as the manifest declares it.</summary>
public sealed record ConfigurationProperty
{
    public required string Name { get; init; }

    public ConfigurationPropertyType Type { get; init; } = ConfigurationPropertyType.String;

    public bool Required { get; init; }

    /// <summary>
    /// A credential (password, client secret, private key, token): the host stores it encrypted, never logs it and
    /// never returns it through its API.
    /// </summary>
    public bool Secret { get; init; }

    public string? Description { get; init; }

    /// <summary>The value used when a connection leaves the setting out.</summary>
    public string? Default { get; init; }

    /// <summary>For <see cref="ConfigurationPropertyType.Choice"/>: the allowed values.</summary>
    public IReadOnlyList<string>? Choices { get; init; }
}

/// <summary>Written and read as in connector.json (<c>"integer"</c>), also where the host lists a plugin's settings.</summary>
[JsonConverter(typeof(ConfigurationPropertyTypeJsonConverter))]
public enum ConfigurationPropertyType
{
    String,
    Integer,
    Boolean,
    Url,
    Choice,
}

/// <summary>camelCase names, as connector.json spells the types.</summary>
public sealed class ConfigurationPropertyTypeJsonConverter() : JsonStringEnumConverter<ConfigurationPropertyType>(JsonNamingPolicy.CamelCase, allowIntegerValues: false);

/// <summary>A configuration error, naming the setting and the reason (the host turns these into problem details).</summary>
public sealed record ConfigurationError(string Property, string Reason);

/// <summary>
/// The settings of one connection, secrets already decrypted, defaults applied and checked against the manifest's
/// properties. Values are strings in invariant format; the typed getters parse them.
/// </summary>
public sealed class ConnectorConfiguration
{
    private readonly IReadOnlyDictionary<string, string> _values;

    private ConnectorConfiguration(IReadOnlyDictionary<string, string> values) => _values = values;

    public IEnumerable<string> Names => _values.Keys;

    /// <summary>
    /// Checks <paramref name="values"/> against <paramref name="properties"/> and applies defaults. Unknown settings,
    /// missing required ones and values of the wrong type are errors.
    /// </summary>
    public static ConnectorConfiguration Create(
        IReadOnlyList<ConfigurationProperty> properties,
        IReadOnlyDictionary<string, string?> values,
        out IReadOnlyList<ConfigurationError> errors)
    {
        ArgumentNullException.ThrowIfNull(properties);
        ArgumentNullException.ThrowIfNull(values);
        var found = new List<ConfigurationError>();
        var known = properties.ToDictionary(p => p.Name, StringComparer.Ordinal);
        found.AddRange(values.Keys.Where(k => !known.ContainsKey(k)).Select(k => new ConfigurationError(k, "is not a setting of this connector")));
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in properties)
        {
            var value = values.TryGetValue(property.Name, out var given) && !string.IsNullOrEmpty(given) ? given : property.Default;
            if (string.IsNullOrEmpty(value))
            {
                if (property.Required)
                {
                    found.Add(new ConfigurationError(property.Name, "is required"));
                }

                continue;
            }

            var reason = property.Type switch
            {
                ConfigurationPropertyType.Integer when !long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) => "must be a whole number",
                ConfigurationPropertyType.Boolean when !bool.TryParse(value, out _) => "must be true or false",
                ConfigurationPropertyType.Url when !Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") => "must be an absolute http(s) URL",
                ConfigurationPropertyType.Choice when property.Choices is { } choices && !choices.Contains(value, StringComparer.Ordinal) => $"must be one of: {string.Join(", ", choices)}",
                _ => null,
            };
            if (reason is not null)
            {
                found.Add(new ConfigurationError(property.Name, reason));
                continue;
            }

            result[property.Name] = value;
        }

        errors = found;
        return new ConnectorConfiguration(result);
    }

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public string GetRequired(string name) =>
        _values.TryGetValue(name, out var value) ? value : throw new ConnectorException(ConnectorErrorKind.Configuration, $"setting '{name}' is not configured");

    public long? GetInt64(string name) =>
        _values.TryGetValue(name, out var value) ? long.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture) : null;

    public bool GetBoolean(string name, bool fallback = false) =>
        _values.TryGetValue(name, out var value) ? bool.Parse(value) : fallback;
}
