namespace Loyalty.Connectors.Sdk;

/// <summary>
/// The plugin's entry type (named in connector.json): a public class with a parameterless constructor. The host
/// creates one connector per connection and run, and disposes it afterwards.
/// </summary>
public interface IConnectorFactory
{
    IConnector Create(ConnectorContext context);
}

/// <summary>
/// One connection to a CRM, shaped like Airbyte's check / discover / read and Singer's state cursor, plus writes.
/// The host owns scheduling, cursors (it stores and hands back what <see cref="ReadChangesAsync"/> returns),
/// retries, conflict policy, rate budgets and logs; the connector translates between this contract and the CRM.
/// A connector signals failures of a whole call with <see cref="ConnectorException"/> and failures of single records
/// in the <see cref="RecordResult"/>s. Exception and error messages must not contain personal data or credentials.
/// </summary>
public interface IConnector : IAsyncDisposable
{
    /// <summary>Tries the configuration (reachability, credentials, permissions) without changing anything.</summary>
    Task<ConnectionCheck> CheckConnectionAsync(CancellationToken cancellationToken);

    /// <summary>The CRM's objects and their fields, for field mappings.</summary>
    Task<IReadOnlyList<ObjectDescriptor>> DiscoverAsync(CancellationToken cancellationToken);

    /// <summary>
    /// One page of records changed or deleted since <see cref="ReadRequest.Cursor"/> (null: everything, a full load).
    /// Records come ordered by (<see cref="RecordChange.ModifiedAt"/>, <see cref="RecordChange.Id"/>). The connector
    /// goes back <see cref="ReadRequest.LookBack"/> before the cursor's position so late commits are not skipped;
    /// re-reading a record is harmless because the host skips changes it already applied.
    /// </summary>
    Task<ChangePage> ReadChangesAsync(ReadRequest request, CancellationToken cancellationToken);

    /// <summary>Upserts records by an external id field; one result per record, in the request's order.</summary>
    Task<IReadOnlyList<RecordResult>> WriteAsync(WriteRequest request, CancellationToken cancellationToken);

    /// <summary>Deletes records by the CRM's record id; one result per id, in the request's order. Deleting a missing record is <see cref="RecordOutcome.NotFound"/>, not a failure.</summary>
    Task<IReadOnlyList<RecordResult>> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken);
}

/// <summary>What the host gives a connector: its settings and the host-owned services it must use.</summary>
public sealed class ConnectorContext
{
    private readonly Func<HttpClient> _createHttpClient;

    private readonly Func<string, string, CancellationToken, Task>? _saveSecret;

    public ConnectorContext(
        string connectionId,
        ConnectorConfiguration configuration,
        Func<HttpClient> createHttpClient,
        Microsoft.Extensions.Logging.ILogger logger,
        TimeProvider timeProvider)
    {
        ConnectionId = connectionId;
        Configuration = configuration;
        _createHttpClient = createHttpClient;
        Logger = logger;
        TimeProvider = timeProvider;
    }

    /// <param name="saveSecret">Stores a changed secret of the connection (name, new value); see <see cref="SaveSecretAsync"/>.</param>
    public ConnectorContext(
        string connectionId,
        ConnectorConfiguration configuration,
        Func<HttpClient> createHttpClient,
        Microsoft.Extensions.Logging.ILogger logger,
        TimeProvider timeProvider,
        Func<string, string, CancellationToken, Task> saveSecret)
        : this(connectionId, configuration, createHttpClient, logger, timeProvider)
    {
        _saveSecret = saveSecret;
    }

    /// <summary>The host's id of the connection, stable across runs.</summary>
    public string ConnectionId { get; }

    public ConnectorConfiguration Configuration { get; }

    /// <summary>Never log record values, e-mail addresses, names or credentials.</summary>
    public Microsoft.Extensions.Logging.ILogger Logger { get; }

    /// <summary>Use this clock, not DateTimeOffset.UtcNow, so tests can move time.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>
    /// An HttpClient whose handler pipeline is the host's (timeouts, transient-fault retries, rate budget, metrics).
    /// Create clients through this instead of <c>new HttpClient()</c>; disposing them is fine.
    /// </summary>
    public HttpClient CreateHttpClient() => _createHttpClient();

    /// <summary>
    /// Replaces the stored value of one of the connection's secret settings (as the manifest marks them), encrypted
    /// like the others, so the connector's next instance is configured with it: for a credential the CRM itself
    /// replaces, such as a rotated OAuth refresh token. SDK 1.1. A context built without a store (a test kit's)
    /// stores nothing: the connector keeps using the value it holds.
    /// </summary>
    public Task SaveSecretAsync(string name, string value, CancellationToken cancellationToken) =>
        _saveSecret is null ? Task.CompletedTask : _saveSecret(name, value, cancellationToken);
}

public sealed record ConnectionCheck(bool Succeeded, string? Message = null)
{
    public static ConnectionCheck Ok() => new(true);

    public static ConnectionCheck Failed(string message) => new(false, message);
}
