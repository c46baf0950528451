namespace Loyalty.Host.Admin.Connectors;

/// <summary>The connector screens' texts: ConnectorsTexts.resx (English) and ConnectorsTexts.de.resx (German).</summary>
internal sealed class ConnectorsTexts;
