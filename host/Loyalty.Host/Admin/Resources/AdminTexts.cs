namespace Loyalty.Host.Admin.Resources;

/// <summary>The admin UI's texts: AdminTexts.resx (English) and AdminTexts.de.resx (German).</summary>
internal sealed class AdminTexts;
