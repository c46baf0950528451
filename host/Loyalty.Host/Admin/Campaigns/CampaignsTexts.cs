namespace Loyalty.Host.Admin.Campaigns;

/// <summary>The campaign screens' texts: CampaignsTexts.resx (English) and CampaignsTexts.de.resx (German).</summary>
internal sealed class CampaignsTexts;
