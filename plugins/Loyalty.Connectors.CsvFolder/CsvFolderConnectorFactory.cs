using Loyalty.Connectors.Sdk;

namespace Loyalty.Connectors.CsvFolder;

/// <summary>The plugin's entry type, named in connector.json.</summary>
public sealed class CsvFolderConnectorFactory : IConnectorFactory
{
    public IConnector Create(ConnectorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var folder = context.Configuration.GetRequired("folder");
        var externalIds = (context.Configuration.Get("externalIdColumns") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new CsvFolderConnector(folder, externalIds, context.TimeProvider);
    }
}
