using System.Security.Cryptography;

namespace Loyalty.Testing.Salesforce;

/// <summary>A field of the fake's Contact, as describe reports it.</summary>
public sealed record FakeField(string Name, string Type, bool ExternalId = false, bool Updateable = true, bool Nillable = true);

public sealed class FakeSalesforceOptions
{
    public string ClientId { get; init; } = "fake-client-id";

    public string ClientSecret { get; init; } = "fake-client-secret";

    /// <summary>The user a JWT bearer assertion may name as its subject.</summary>
    public string Username { get; init; } = "integration@example.test";

    /// <summary>The public half of the key a JWT bearer assertion must be signed with; null refuses that flow.</summary>
    public RSA? JwtSigningKey { get; init; }

    /// <summary>The refresh tokens the token endpoint accepts.</summary>
    public IReadOnlyCollection<string> RefreshTokens { get; init; } = [];

    /// <summary>Refresh token rotation: each refresh answers a new refresh token and invalidates the one used.</summary>
    public bool RotateRefreshTokens { get; init; }

    /// <summary>Most records one query page holds; Salesforce may return fewer than asked for (at most 2,000).</summary>
    public int QueryPageSize { get; init; } = 2000;

    /// <summary>How many times the info of a closed Bulk API 2.0 ingest job still says InProgress before JobComplete.</summary>
    public int BulkPollsBeforeComplete { get; init; } = 1;

    public long DailyApiLimit { get; init; } = 5_000_000;

    /// <summary>Custom fields of Contact beside the standard ones.</summary>
    public IReadOnlyList<FakeField> CustomFields { get; init; } =
    [
        new("Loyalty_Id__c", "string", ExternalId: true),
        new("Loyalty_Points__c", "double"),
        new("Loyalty_Tier__c", "string"),
        new("Loyalty_Enrolled_On__c", "date"),
    ];

    /// <summary>Share of data requests answered with 503 SERVER_UNAVAILABLE, drawn from a seeded random.</summary>
    public double ServerErrorRate { get; init; }

    public int RandomSeed { get; init; } = 42;

    /// <summary>The clock SystemModstamp comes from; Salesforce stamps whole seconds, so equal stamps are common.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
