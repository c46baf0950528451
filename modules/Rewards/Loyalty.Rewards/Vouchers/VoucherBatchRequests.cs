using System.Text.Json;
using Loyalty.Rewards.Catalog;
using Loyalty.Shared.Http;

namespace Loyalty.Rewards.Vouchers;

/// <param name="Code">The batch's name, unique in the program: its external id, which makes a repeated request safe.</param>
/// <param name="MaxUses">Uses per code: 1 for single-use codes.</param>
internal sealed record CreateVoucherBatchRequest(
    string? Code, int? Count, string? Kind, long? Value, decimal? Percent, long? MinimumSpend, string? ProductSku,
    DateTimeOffset? ExpiresAt, int? MaxUses, VoucherCodeFormatRequest? CodeFormat)
{
    public const int MaxCount = 1_000_000;

    public RewardKind? ParsedKind =>
        Enum.TryParse<RewardKind>(Kind, ignoreCase: true, out var parsed) && !int.TryParse(Kind, out _) && Reward.IssuesVoucherFor(parsed) ? parsed : null;

    public ValidationErrors Validate(DateTimeOffset now)
    {
        var kind = ParsedKind;
        var errors = new ValidationErrors()
            .Check(Code is { Length: > 0 and <= 100 }, "code", "Name the batch (1-100 characters); a repeat with the name is safe.")
            .Check(Count is > 0 and <= MaxCount, "count", $"Give 1 to {MaxCount:N0} codes.")
            .Check(kind is not null, "kind", "Use discountVoucher, freeProductVoucher or giftCard.")
            .Check(ExpiresAt is null || ExpiresAt > now, "expiresAt", "Give a time in the future, or leave it out.")
            .Check(MaxUses is null or (> 0 and <= 1_000_000), "maxUses", "Give 1 or more uses per code.");
        VoucherTerms.Validate(kind, Value, Percent, MinimumSpend, ProductSku, errors);
        VoucherCodeFormatRequest.Validate(CodeFormat, "codeFormat", errors);
        return errors;
    }
}

/// <param name="Generated">Codes committed so far: the progress, which <see cref="Percent"/> gives as a share of <see cref="Count"/>.</param>
/// <param name="CodesAvailable">Whether <c>GET …/codes</c> can give the codes: the batch is complete and its codes are kept (or, when <c>hashOnly</c>, not yet shown).</param>
internal sealed record VoucherBatchDto(
    Guid Id, string Code, string Status, int Count, int Generated, decimal Percent, bool HashOnly, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt, bool CodesAvailable, DateTimeOffset? CodesShownAt)
{
    public static VoucherBatchDto From(VoucherBatch b) => new(
        b.Id, b.Code, JsonNamingPolicy.CamelCase.ConvertName(b.Status.ToString()), b.Count, b.Generated, Math.Round(100m * b.Generated / b.Count, 1), b.CodeFormat.HashOnly,
        b.CreatedAt, b.StartedAt, b.CompletedAt, b.Status == VoucherBatchStatus.Completed && b.CodesShownAt is null, b.CodesShownAt);
}
