namespace Loyalty.Host.Admin.Gdpr;

/// <summary>The processing record screen's texts: ProcessingRecordTexts.resx (English) and ProcessingRecordTexts.de.resx (German).</summary>
internal sealed class ProcessingRecordTexts;

// What GET /api/consent/processing-record answers (JSON names as the API writes them).
internal sealed record ProcessingRetentionItem(string Key, string Name, int PeriodDays, bool Enabled);

internal sealed record ProcessingActivityItem(string Module, IReadOnlyList<string> Categories, IReadOnlyList<string> Purposes, string Retention, IReadOnlyList<ProcessingRetentionItem> RetentionPolicies);

internal sealed record ProcessingPurposeItem(Guid ProgramId, string Key, string Name, string Description, int LatestVersion);

internal sealed record ProcessingRecordItem(DateTimeOffset GeneratedAt, IReadOnlyList<ProcessingActivityItem> Activities, IReadOnlyList<ProcessingPurposeItem> ConsentPurposes, IReadOnlyList<string> Recipients);
