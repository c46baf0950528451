namespace Loyalty.Host.Admin.Administration;

/// <summary>The administration screens' texts: AdministrationTexts.resx (English) and AdministrationTexts.de.resx (German).</summary>
internal sealed class AdministrationTexts;
