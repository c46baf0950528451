namespace Loyalty.Host.Admin.Members;

/// <summary>The member screens' texts: MembersTexts.resx (English) and MembersTexts.de.resx (German).</summary>
internal sealed class MembersTexts;
