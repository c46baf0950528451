using Loyalty.Connectors.Persistence;
using Loyalty.Connectors.Plugins;
using Loyalty.Connectors.Sdk;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Loyalty.Connectors.Connections;

/// <summary>Builds a connection's connector with the host-owned services: resilient HttpClient, logger, clock.</summary>
internal sealed class ConnectorRuntime(
    PluginCatalog catalog, ConnectionSettings settings, IHttpClientFactory http, ILoggerFactory logs, IServiceScopeFactory scopes, TimeProvider clock)
{
    public const string HttpClientName = "connectors";

    /// <summary>The connector, or null when its plugin is not loaded.</summary>
    public IConnector? Create(Connection connection)
    {
        var plugin = catalog.Find(connection.ConnectorId);
        if (plugin is null)
        {
            return null;
        }

        var configuration = ConnectorConfiguration.Create(plugin.Manifest!.Configuration, settings.All(connection), out var errors);
        if (errors.Count > 0)
        {
            throw new ConnectorException(ConnectorErrorKind.Configuration,
                "the connection's settings no longer fit its connector: " + string.Join(", ", errors.Select(e => $"{e.Property} {e.Reason}")));
        }

        return plugin.Factory!.Create(new ConnectorContext(
            connection.Id.ToString(),
            configuration,
            () => http.CreateClient(HttpClientName),
            logs.CreateLogger($"Loyalty.Connectors.Plugin.{connection.ConnectorId}"),
            clock,
            (name, value, cancellationToken) => SaveSecretAsync(plugin.Manifest, connection.Id, name, value, cancellationToken)));
    }

    // A scope of its own: the caller's context may hold a sync's uncommitted work, which must not commit with the secret.
    private async Task SaveSecretAsync(ConnectorManifest manifest, Guid connectionId, string name, string value, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConnectorsDbContext>();
        var connection = await db.Connections.SingleAsync(c => c.Id == connectionId, cancellationToken);
        settings.ReplaceSecret(manifest, connection, name, value);
        await db.SaveChangesAsync(cancellationToken);
    }
}
