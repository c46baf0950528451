namespace Loyalty.Host.Admin.Imports;

/// <summary>The import screens' texts: ImportsTexts.resx (English) and ImportsTexts.de.resx (German).</summary>
internal sealed class ImportsTexts;
