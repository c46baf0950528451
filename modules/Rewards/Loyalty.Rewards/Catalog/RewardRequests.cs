using System.Text.Json;
using Loyalty.Rewards.Vouchers;
using Loyalty.Shared.Http;

namespace Loyalty.Rewards.Catalog;

internal sealed record CreateRewardRequest(
    string? Name,
    string? Description,
    string? ImageUrl,
    string? Category,
    string? Kind,
    string? Status,
    long? PointsCost,
    Dictionary<string, long>? TierPointsCost,
    long? CashCoPay,
    DateTimeOffset? AvailableFrom,
    DateTimeOffset? AvailableUntil,
    long? Stock,
    int? LimitPerDay,
    int? LimitPerMonth,
    int? LimitLifetime,
    List<string>? AudienceTiers,
    long? Value,
    decimal? Percent,
    long? MinimumSpend,
    string? ProductSku,
    int? VoucherValidDays,
    VoucherCodeFormatRequest? CodeFormat,
    int? LowPoolThreshold = null,
    List<string>? AudienceSegments = null)
{
    public const long MaxPoints = 100_000_000;
    public const long MaxMoney = 100_000_000_00;

    public ValidationErrors Validate()
    {
        var kind = ParsedKind;
        var errors = new ValidationErrors()
            .Check(!string.IsNullOrWhiteSpace(Name) && Name.Length <= 200, "name", "Give a name of at most 200 characters.")
            .Check(Description is null || Description.Length <= 2000, "description", "Use at most 2,000 characters.")
            .Check(ImageUrl is null || (ImageUrl.Length <= 2000 && Uri.TryCreate(ImageUrl, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"), "imageUrl", "Give an absolute http(s) URL.")
            .Check(Category is null || Category.Length <= 100, "category", "Use at most 100 characters.")
            .Check(kind is not null, "kind", $"Use one of {string.Join(", ", Enum.GetNames<RewardKind>().Select(JsonNamingPolicy.CamelCase.ConvertName))}.")
            .Check(Status is null || ParsedStatus is not null, "status", "Use draft, active or retired.")
            .Check(PointsCost is > 0 and <= MaxPoints, "pointsCost", $"Give 1 to {MaxPoints:N0} points.")
            .Check(TierPointsCost is null || TierPointsCost.All(t => t.Key.Length is > 0 and <= 50 && t.Value is > 0 and <= MaxPoints), "tierPointsCost", "Give tier codes with 1 to 100,000,000 points each.")
            .Check(CashCoPay is null or (>= 0 and <= MaxMoney), "cashCoPay", "Give an amount in minor units, 0 or more.")
            .Check(AvailableFrom is null || AvailableUntil is null || AvailableFrom < AvailableUntil, "availableUntil", "End the window after it starts.")
            .Check(Stock is null or (>= 0 and <= MaxPoints), "stock", "Give 0 or more items, or leave it out for unlimited stock.")
            .Check(LimitPerDay is null or > 0, "limitPerDay", "Give 1 or more, or leave it out.")
            .Check(LimitPerMonth is null or > 0, "limitPerMonth", "Give 1 or more, or leave it out.")
            .Check(LimitLifetime is null or > 0, "limitLifetime", "Give 1 or more, or leave it out.")
            .Check(AudienceTiers is null || AudienceTiers.All(t => t.Length is > 0 and <= 50), "audienceTiers", "Give tier codes of at most 50 characters.")
            .Check(AudienceSegments is null || (AudienceSegments.Count <= 20 && AudienceSegments.All(s => s.Length is > 0 and <= 100)), "audienceSegments", "Give at most 20 segment codes of at most 100 characters.")
            .Check(VoucherValidDays is null or (> 0 and <= 3660), "voucherValidDays", "Give 1 to 3660 days, or leave it out for no expiry.");
        VoucherTerms.Validate(kind, Value, Percent, MinimumSpend, ProductSku, errors);
        if (kind == RewardKind.PartnerReward)
        {
            errors.Check(Stock is null, "stock", "A partner reward's stock is its pool of codes: upload them instead.")
                .Check(LowPoolThreshold is null or (>= 0 and <= 1_000_000), "lowPoolThreshold", "Give 0 to 1,000,000 codes, or leave it out for no alert.");
        }
        else
        {
            errors.Check(LowPoolThreshold is null, "lowPoolThreshold", "Only a partner reward has a pool of codes.");
        }

        if (kind is { } issued && Reward.IssuesVoucherFor(issued))
        {
            VoucherCodeFormatRequest.Validate(CodeFormat, "codeFormat", errors);
        }

        return errors;
    }

    public RewardKind? ParsedKind => Enum.TryParse<RewardKind>(Kind, ignoreCase: true, out var kind) && Enum.IsDefined(kind) && !int.TryParse(Kind, out _) ? kind : null;

    public RewardStatus? ParsedStatus => Status is null ? RewardStatus.Active : ParseStatus(Status);

    public static RewardStatus? ParseStatus(string? text) =>
        Enum.TryParse<RewardStatus>(text, ignoreCase: true, out var status) && Enum.IsDefined(status) && !int.TryParse(text, out _) ? status : null;

    public Reward ToReward(string program, Guid id, DateTimeOffset now) => new()
    {
        Id = id,
        ProgramCode = program,
        Name = Name!.Trim(),
        Description = Description,
        ImageUrl = ImageUrl,
        Category = Category,
        Kind = ParsedKind!.Value,
        Status = ParsedStatus!.Value,
        PointsCost = PointsCost!.Value,
        TierPointsCost = TierPointsCost ?? [],
        CashCoPay = CashCoPay ?? 0,
        AvailableFrom = AvailableFrom?.ToUniversalTime(),
        AvailableUntil = AvailableUntil?.ToUniversalTime(),
        Stock = ParsedKind == RewardKind.PartnerReward ? 0 : Stock,
        LimitPerDay = LimitPerDay,
        LimitPerMonth = LimitPerMonth,
        LimitLifetime = LimitLifetime,
        AudienceTiers = AudienceTiers ?? [],
        AudienceSegments = AudienceSegments ?? [],
        Value = Value,
        Percent = Percent,
        MinimumSpend = MinimumSpend,
        ProductSku = ProductSku,
        VoucherValidDays = VoucherValidDays,
        // A partner's codes come as they are: of the format, only whether to keep just their hashes applies.
        CodeFormat = ParsedKind == RewardKind.PartnerReward ? new VoucherCodeFormat { HashOnly = CodeFormat?.HashOnly ?? false } : VoucherCodeFormat.From(CodeFormat),
        LowPoolThreshold = LowPoolThreshold,
        CreatedAt = now,
    };
}

internal sealed record ChangeRewardStatusRequest(string? Status);

internal sealed record RestockRequest(long? Add);

internal sealed record RewardDto(
    Guid Id, string Name, string? Description, string? ImageUrl, string? Category, string Kind, string Status,
    long PointsCost, Dictionary<string, long> TierPointsCost, long CashCoPay, DateTimeOffset? AvailableFrom, DateTimeOffset? AvailableUntil,
    long? Stock, int? LimitPerDay, int? LimitPerMonth, int? LimitLifetime, List<string> AudienceTiers,
    long? Value, decimal? Percent, long? MinimumSpend, string? ProductSku, int? VoucherValidDays, VoucherCodeFormat? CodeFormat, int? LowPoolThreshold,
    List<string> AudienceSegments)
{
    public static RewardDto From(Reward r) => new(
        r.Id, r.Name, r.Description, r.ImageUrl, r.Category, JsonNamingPolicy.CamelCase.ConvertName(r.Kind.ToString()), JsonNamingPolicy.CamelCase.ConvertName(r.Status.ToString()),
        r.PointsCost, r.TierPointsCost, r.CashCoPay, r.AvailableFrom, r.AvailableUntil, r.Stock, r.LimitPerDay, r.LimitPerMonth, r.LimitLifetime,
        r.AudienceTiers, r.Value, r.Percent, r.MinimumSpend, r.ProductSku, r.VoucherValidDays,
        r.IssuesVoucher || r.Kind == RewardKind.PartnerReward ? r.CodeFormat : null, r.LowPoolThreshold, r.AudienceSegments);
}

/// <summary>A reward as one member sees it: what it costs them, and why it is locked if it is.</summary>
internal sealed record MemberRewardDto(
    Guid Id, string Name, string? Description, string? ImageUrl, string? Category, string Kind, long PointsCost, long CashCoPay,
    long? Stock, bool Redeemable, string? LockedReason, string? LockType);
