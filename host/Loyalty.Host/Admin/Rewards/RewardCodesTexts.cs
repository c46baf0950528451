namespace Loyalty.Host.Admin.Rewards;

/// <summary>The voucher batch and code pool screens' texts: RewardCodesTexts.resx (English) and RewardCodesTexts.de.resx (German).</summary>
internal sealed class RewardCodesTexts;

// What GET …/voucher-batches and …/rewards/{id}/codes answer (JSON names as the API writes them).
internal sealed record VoucherBatchItem(
    Guid Id, string Code, string Status, int Count, int Generated, decimal Percent, bool HashOnly, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt, bool CodesAvailable, DateTimeOffset? CodesShownAt);

internal sealed record CodeUploadItem(Guid Id, string? FileName, string Sha256, int Count, DateTimeOffset UploadedAt);

internal sealed record CodePoolItem(
    Guid RewardId, long Available, long Assigned, long Revealed, int? LowPoolThreshold, bool Low, DateTimeOffset? LowSince, bool OutOfStock, bool HashOnly,
    IReadOnlyList<CodeUploadItem> Uploads);
