using System.Text.Json;
using Loyalty.Connectors.Sdk;
using Loyalty.Shared.Http;
using Microsoft.AspNetCore.DataProtection;

namespace Loyalty.Connectors.Connections;

/// <summary>
/// Splits a connection's settings into plain and secret ones (as the plugin's manifest marks them), encrypts the
/// secrets, and gives them back decrypted only to build a connector.
/// </summary>
internal sealed class ConnectionSettings(IDataProtectionProvider dataProtection)
{
    private const string ProtectorPurpose = "Loyalty.Connectors.ConnectionSecrets";

    private IDataProtector Protector => dataProtection.CreateProtector(ProtectorPurpose);

    /// <summary>
    /// Checks <paramref name="given"/> against the manifest and stores it on <paramref name="connection"/>; a secret
    /// left out (or null) of an update keeps its stored value. Errors are named <c>settings.&lt;name&gt;</c>.
    /// </summary>
    public ValidationErrors Apply(ConnectorManifest manifest, IReadOnlyDictionary<string, string?> given, Connection connection)
    {
        var values = new Dictionary<string, string?>(given, StringComparer.Ordinal);
        foreach (var (name, value) in Secrets(connection))
        {
            if (manifest.Configuration.Any(p => p.Name == name && p.Secret) && values.GetValueOrDefault(name) is null)
            {
                values[name] = value;
            }
        }

        ConnectorConfiguration.Create(manifest.Configuration, values, out var problems);
        var errors = new ValidationErrors();
        foreach (var problem in problems)
        {
            errors.Check(false, $"settings.{problem.Property}", $"The setting {problem.Reason}.");
        }

        if (errors.IsEmpty)
        {
            var secret = manifest.Configuration.Where(p => p.Secret).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var present = values.Where(v => !string.IsNullOrEmpty(v.Value)).ToList();
            connection.Settings = JsonSerializer.Serialize(present.Where(v => !secret.Contains(v.Key)).ToDictionary());
            connection.ProtectedSecrets = Protector.Protect(JsonSerializer.Serialize(present.Where(v => secret.Contains(v.Key)).ToDictionary()));
        }

        return errors;
    }

    public static Dictionary<string, string?> Plain(Connection connection) =>
        JsonSerializer.Deserialize<Dictionary<string, string?>>(connection.Settings) ?? [];

    /// <summary>The names of the secrets that are set, never their values.</summary>
    public IReadOnlyList<string> SecretNames(Connection connection) => [.. Secrets(connection).Keys.Order(StringComparer.Ordinal)];

    /// <summary>All settings, secrets decrypted: only for building the connector.</summary>
    public Dictionary<string, string?> All(Connection connection)
    {
        var all = Plain(connection);
        foreach (var (name, value) in Secrets(connection))
        {
            all[name] = value;
        }

        return all;
    }

    /// <summary>Replaces one secret the connector changed (<see cref="ConnectorContext.SaveSecretAsync"/>); only a setting its manifest marks secret.</summary>
    public void ReplaceSecret(ConnectorManifest manifest, Connection connection, string name, string value)
    {
        if (!manifest.Configuration.Any(p => p.Name == name && p.Secret))
        {
            throw new ConnectorException(ConnectorErrorKind.Configuration, $"the connector saved '{name}', which its manifest does not declare a secret");
        }

        var secrets = Secrets(connection);
        secrets[name] = value;
        connection.ProtectedSecrets = Protector.Protect(JsonSerializer.Serialize(secrets));
    }

    private Dictionary<string, string?> Secrets(Connection connection) =>
        connection.ProtectedSecrets.Length == 0
            ? []
            : JsonSerializer.Deserialize<Dictionary<string, string?>>(Protector.Unprotect(connection.ProtectedSecrets)) ?? [];
}
