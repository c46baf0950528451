namespace Loyalty.Connectors.Salesforce;

internal enum SalesforceAuthFlow
{
    ClientCredentials,
    JwtBearer,
    RefreshToken,
}

/// <summary>One connection to one Salesforce org, as an admin configures it.</summary>
internal sealed record SalesforceSettings
{
    /// <summary>https://login.salesforce.com, https://test.salesforce.com (sandboxes) or the org's My Domain URL.</summary>
    public required Uri LoginUrl { get; init; }

    public string ApiVersion { get; init; } = "v62.0";

    public SalesforceAuthFlow AuthFlow { get; init; } = SalesforceAuthFlow.ClientCredentials;

    public required string ClientId { get; init; }

    /// <summary>Secret; for client credentials and (when the connected app requires it) refresh token.</summary>
    public string? ClientSecret { get; init; }

    /// <summary>JWT bearer: the Salesforce user the integration acts as.</summary>
    public string? Username { get; init; }

    /// <summary>Secret; JWT bearer: the PEM private key whose certificate is uploaded to the connected app.</summary>
    public string? PrivateKeyPem { get; init; }

    /// <summary>JWT bearer: the assertion's audience; the login URL when not set.</summary>
    public string? JwtAudience { get; init; }

    /// <summary>Secret; refresh token flow.</summary>
    public string? RefreshToken { get; init; }

    /// <summary>Told the new refresh token when the token endpoint rotated it, so the host stores it for the next run.</summary>
    public Func<string, CancellationToken, Task>? RefreshTokenRotated { get; init; }

    /// <summary>Retries of a request after a timeout, a 5xx or UNABLE_TO_LOCK_ROW, and of records a collection could not lock.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>The first retry's delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A write of more records than this goes through one Bulk API 2.0 ingest job instead of sObject Collections.</summary>
    public int BulkThreshold { get; init; } = 2000;

    /// <summary>The first wait before asking again whether a bulk job is done; later waits double, up to 30 s.</summary>
    public TimeSpan BulkPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one attempt may take before it is abandoned and retried.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(100);
}
