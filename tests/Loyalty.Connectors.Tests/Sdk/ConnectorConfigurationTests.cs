using Loyalty.Connectors.Sdk;

namespace Loyalty.Connectors.Tests.Sdk;

public sealed class ConnectorConfigurationTests
{
    private static readonly ConfigurationProperty[] Properties =
    [
        new() { Name = "baseUrl", Type = ConfigurationPropertyType.Url, Required = true },
        new() { Name = "apiKey", Required = true, Secret = true },
        new() { Name = "pageSize", Type = ConfigurationPropertyType.Integer, Default = "200" },
        new() { Name = "mode", Type = ConfigurationPropertyType.Choice, Choices = ["delete", "anonymise"], Default = "delete" },
    ];

    [Fact]
    public void Valid_values_get_their_defaults()
    {
        var configuration = ConnectorConfiguration.Create(
            Properties, new Dictionary<string, string?> { ["baseUrl"] = "https://crm.example", ["apiKey"] = "k" }, out var errors);

        Assert.Empty(errors);
        Assert.Equal(200, configuration.GetInt64("pageSize"));
        Assert.Equal("delete", configuration.Get("mode"));
        Assert.Equal("k", configuration.GetRequired("apiKey"));
    }

    [Fact]
    public void Every_wrong_value_is_named_with_its_reason()
    {
        ConnectorConfiguration.Create(
            Properties,
            new Dictionary<string, string?> { ["baseUrl"] = "ftp://crm", ["pageSize"] = "many", ["mode"] = "burn", ["colour"] = "red" },
            out var errors);

        Assert.Equal(
            [
                new ConfigurationError("colour", "is not a setting of this connector"),
                new ConfigurationError("baseUrl", "must be an absolute http(s) URL"),
                new ConfigurationError("apiKey", "is required"),
                new ConfigurationError("pageSize", "must be a whole number"),
                new ConfigurationError("mode", "must be one of: delete, anonymise"),
            ],
            errors);
    }
}
