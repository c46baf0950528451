namespace Loyalty.Host.Admin.EarningRules;

/// <summary>The earning-rule screens' texts: EarningRulesTexts.resx (English) and EarningRulesTexts.de.resx (German).</summary>
internal sealed class EarningRulesTexts;
