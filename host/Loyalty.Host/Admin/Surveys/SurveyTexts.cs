namespace Loyalty.Host.Admin.Surveys;

/// <summary>The survey screens' texts: SurveyTexts.resx (English) and SurveyTexts.de.resx (German).</summary>
internal sealed class SurveyTexts;
