namespace Loyalty.Host.Admin.Rewards;

/// <summary>The reward screens' texts: RewardsTexts.resx (English) and RewardsTexts.de.resx (German).</summary>
internal sealed class RewardsTexts;
