namespace Loyalty.Host.Admin.Segments;

/// <summary>The segment screens' texts: SegmentsTexts.resx (English) and SegmentsTexts.de.resx (German).</summary>
internal sealed class SegmentsTexts;
