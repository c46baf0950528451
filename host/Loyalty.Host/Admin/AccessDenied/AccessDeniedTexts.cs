namespace Loyalty.Host.Admin.AccessDenied;

/// <summary>The access-denied page's texts: AccessDeniedTexts.resx (English) and AccessDeniedTexts.de.resx (German).</summary>
internal sealed class AccessDeniedTexts;
