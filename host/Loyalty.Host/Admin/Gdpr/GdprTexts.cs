namespace Loyalty.Host.Admin.Gdpr;

/// <summary>The GDPR screens' texts: GdprTexts.resx (English) and GdprTexts.de.resx (German).</summary>
internal sealed class GdprTexts;
