namespace Loyalty.Host.Admin.Programs;

/// <summary>The program settings screen's texts: ProgramsTexts.resx (English) and ProgramsTexts.de.resx (German).</summary>
internal sealed class ProgramsTexts;
