namespace Loyalty.Connectors.Sdk.Testing;

/// <summary>What the kit needs to know about the connector's CRM to script its run.</summary>
public sealed record ConformanceScenario
{
    /// <summary>An object that supports reads, writes and deletes.</summary>
    public required string ObjectName { get; init; }

    /// <summary>A writable external id field of <see cref="ObjectName"/>.</summary>
    public required string ExternalIdField { get; init; }

    /// <summary>A writable text field the kit puts its marker values in.</summary>
    public required string TextField { get; init; }

    /// <summary>How many records the full load starts with; read in pages of <see cref="PageSize"/>.</summary>
    public int SeedCount { get; init; } = 7;

    public int PageSize { get; init; } = 3;

    /// <summary>Fields every created record needs besides the text field (e.g. a required LastName).</summary>
    public IReadOnlyDictionary<string, string?> RequiredFields { get; init; } = new Dictionary<string, string?>();

    /// <summary>A field write the CRM refuses for one record while the rest of the batch succeeds; null skips that step.</summary>
    public KeyValuePair<string, string?>? RejectedField { get; init; }
}
