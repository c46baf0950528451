namespace Loyalty.Host.Admin.Dashboard;

/// <summary>The dashboard figures' texts: DashboardTexts.resx (English) and DashboardTexts.de.resx (German).</summary>
internal sealed class DashboardTexts;
