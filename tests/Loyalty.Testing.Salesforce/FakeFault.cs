namespace Loyalty.Testing.Salesforce;

/// <summary>A fault the fake answers the next data requests with instead of serving them.</summary>
public enum FakeFault
{
    /// <summary>401 INVALID_SESSION_ID; the session used is invalidated, as when it expires in Salesforce.</summary>
    ExpiredSession,

    /// <summary>403 REQUEST_LIMIT_EXCEEDED (TotalRequests Limit exceeded).</summary>
    RequestLimitExceeded,

    /// <summary>400 UNABLE_TO_LOCK_ROW for the whole request.</summary>
    UnableToLockRow,

    /// <summary>503 SERVER_UNAVAILABLE.</summary>
    ServerUnavailable,

    /// <summary>Served, but only after <see cref="FakeSalesforce.SlowDelay"/>.</summary>
    Slow,
}
