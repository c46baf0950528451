using Loyalty.Connectors.Sdk;

namespace Loyalty.Connectors.Tests.Sdk;

public sealed class ConnectorManifestTests
{
    private const string Valid = """
        {
          "id": "acme-crm",
          "name": "Acme CRM",
          "version": "1.2.0",
          "sdkVersion": "1.0",
          "assembly": "Loyalty.Connectors.Acme.dll",
          "entryType": "Loyalty.Connectors.Acme.AcmeConnectorFactory",
          "configuration": [
            { "name": "baseUrl", "type": "url", "required": true },
            { "name": "apiKey", "required": true, "secret": true, "description": "from Acme's admin page" },
            { "name": "pageSize", "type": "integer", "default": "200" }
          ]
        }
        """;

    [Fact]
    public void A_manifest_reads_its_spec_with_secrets_marked()
    {
        var manifest = ConnectorManifest.Parse(Valid);

        Assert.Equal("acme-crm", manifest.Id);
        Assert.Equal(new Version(1, 0), manifest.ParsedSdkVersion);
        Assert.Equal(["baseUrl", "apiKey", "pageSize"], manifest.Configuration.Select(p => p.Name));
        Assert.True(manifest.Configuration[1].Secret);
        Assert.Equal(ConfigurationPropertyType.Url, manifest.Configuration[0].Type);
        Assert.Equal(ConfigurationPropertyType.String, manifest.Configuration[1].Type);
    }

    [Theory]
    [InlineData("\"id\": \"acme-crm\"", "\"id\": \"Acme CRM\"", "id must be lower-case")]
    [InlineData("\"sdkVersion\": \"1.0\"", "\"sdkVersion\": \"one\"", "sdkVersion must be")]
    [InlineData("\"entryType\": \"Loyalty.Connectors.Acme.AcmeConnectorFactory\"", "\"entryType\": \"\"", "entryType is required")]
    [InlineData("\"pageSize\"", "\"apiKey\"", "'apiKey' is declared twice")]
    public void A_broken_manifest_is_refused_naming_the_field(string original, string broken, string reason)
    {
        var exception = Assert.Throws<InvalidManifestException>(() => ConnectorManifest.Parse(Valid.Replace(original, broken, StringComparison.Ordinal)));

        Assert.Contains(reason, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_that_is_not_json_is_refused()
    {
        Assert.Throws<InvalidManifestException>(() => ConnectorManifest.Parse("{ id: "));
    }

    [Theory]
    [InlineData("1.0", true)]
    [InlineData("0.9", false)]
    [InlineData("2.0", false)]
    [InlineData("1.9", false)]
    public void A_plugin_runs_only_on_the_same_major_and_a_minor_not_newer(string pluginVersion, bool compatible)
    {
        Assert.Equal(compatible, SdkContract.Incompatibility(Version.Parse(pluginVersion)) is null);
    }
}
