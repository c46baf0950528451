using System.Text.RegularExpressions;
using Loyalty.Connectors.Sdk;

namespace Loyalty.Connectors.Salesforce;

/// <summary>The plugin's entry type, named in connector.json.</summary>
public sealed partial class SalesforceConnectorFactory : IConnectorFactory
{
    public IConnector Create(ConnectorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var configuration = context.Configuration;
        var flow = Enum.Parse<SalesforceAuthFlow>(configuration.Get("authFlow") ?? nameof(SalesforceAuthFlow.ClientCredentials));
        string[] needed = flow switch
        {
            SalesforceAuthFlow.ClientCredentials => ["clientSecret"],
            SalesforceAuthFlow.JwtBearer => ["username", "privateKeyPem"],
            _ => ["refreshToken"],
        };
        if (needed.FirstOrDefault(name => configuration.Get(name) is null) is { } missing)
        {
            throw new ConnectorException(ConnectorErrorKind.Configuration, $"setting '{missing}' is required for authFlow {flow}");
        }

        var apiVersion = configuration.Get("apiVersion") ?? "v62.0";
        if (!ApiVersionPattern().IsMatch(apiVersion))
        {
            throw new ConnectorException(ConnectorErrorKind.Configuration, "setting 'apiVersion' must look like v62.0");
        }

        var settings = new SalesforceSettings
        {
            LoginUrl = new Uri(configuration.GetRequired("loginUrl")),
            ApiVersion = apiVersion,
            AuthFlow = flow,
            ClientId = configuration.GetRequired("clientId"),
            ClientSecret = configuration.Get("clientSecret"),
            Username = configuration.Get("username"),
            PrivateKeyPem = configuration.Get("privateKeyPem"),
            JwtAudience = configuration.Get("jwtAudience"),
            RefreshToken = configuration.Get("refreshToken"),
            RefreshTokenRotated = (token, cancellationToken) => context.SaveSecretAsync("refreshToken", token, cancellationToken),
            MaxRetries = (int)(configuration.GetInt64("maxRetries") ?? 3),
            AttemptTimeout = TimeSpan.FromSeconds(configuration.GetInt64("attemptTimeoutSeconds") ?? 100),
            BulkThreshold = (int)Math.Clamp(configuration.GetInt64("bulkThreshold") ?? 2000, 0, int.MaxValue),
        };
        var objects = (configuration.Get("objects") ?? "Contact")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new SalesforceConnector(context.CreateHttpClient(), settings, objects, context.TimeProvider, context.Logger);
    }

    [GeneratedRegex(@"^v\d+\.\d$")]
    private static partial Regex ApiVersionPattern();
}
