namespace Loyalty.Connectors.Sdk;

/// <summary>
/// A whole call failed. The kind tells the host what to do: retry with backoff, stop and resume later, or report
/// the connection as misconfigured. Other exceptions are treated as <see cref="ConnectorErrorKind.Permanent"/>.
/// </summary>
public sealed class ConnectorException : Exception
{
    public ConnectorException(ConnectorErrorKind kind, string message, Exception? innerException = null, TimeSpan? retryAfter = null)
        : base(message, innerException)
    {
        Kind = kind;
        RetryAfter = retryAfter;
    }

    public ConnectorException() : this(ConnectorErrorKind.Permanent, "connector call failed")
    {
    }

    public ConnectorException(string message) : this(ConnectorErrorKind.Permanent, message)
    {
    }

    public ConnectorException(string message, Exception innerException) : this(ConnectorErrorKind.Permanent, message, innerException)
    {
    }

    public ConnectorErrorKind Kind { get; }

    /// <summary>When the CRM says how long to wait (rate limits, maintenance).</summary>
    public TimeSpan? RetryAfter { get; }
}

public enum ConnectorErrorKind
{
    /// <summary>Timeouts, 5xx, lock errors: the host retries with exponential backoff and jitter.</summary>
    Transient,
    /// <summary>The CRM's API budget is used up: the host stops the run, keeps the cursor and resumes later.</summary>
    RateLimited,
    /// <summary>Credentials refused (after the connector's own single re-authentication): an admin must act.</summary>
    Unauthorized,
    /// <summary>A setting is wrong or an object/field does not exist: an admin must act.</summary>
    Configuration,
    /// <summary>Anything else; retrying will not help.</summary>
    Permanent,
}
