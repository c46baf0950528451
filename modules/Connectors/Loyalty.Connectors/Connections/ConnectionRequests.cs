using Loyalty.Shared.Http;

namespace Loyalty.Connectors.Connections;

/// <param name="Settings">By the names the connector's manifest declares; secrets are accepted here and never returned.</param>
internal sealed record CreateConnectionRequest(string? Name, string? ConnectorId, Dictionary<string, string?>? Settings)
{
    public ValidationErrors Validate() => new ValidationErrors()
        .Check(Name is { Length: > 0 and <= 100 } && Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'), "name", "Give a name of 1-100 letters, digits, '-' or '_'.")
        .Check(ConnectorId is { Length: > 0 and <= 100 }, "connectorId", "Give the id of a loaded connector plugin (GET /api/connectors/plugins).");
}

/// <param name="Settings">The new settings; a secret left out or null keeps its stored value.</param>
internal sealed record UpdateConnectionRequest(Dictionary<string, string?>? Settings);

/// <param name="Settings">The non-secret settings.</param>
/// <param name="SecretsSet">The names of the secret settings that have a value; the values are never returned.</param>
internal sealed record ConnectionDto(
    Guid Id, string Name, string ConnectorId, IReadOnlyDictionary<string, string?> Settings, IReadOnlyList<string> SecretsSet, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

internal sealed record ConnectionCheckDto(bool Succeeded, string? Message);
