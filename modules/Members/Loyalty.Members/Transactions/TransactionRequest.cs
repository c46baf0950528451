using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Loyalty.Members.Programs;
using Loyalty.Shared.Http;

namespace Loyalty.Members.Transactions;

/// <summary>
/// A purchase line. <see cref="Brand"/> and the free-form <see cref="Attributes"/> (labels such as color=red) are for
/// earning rules; left out, they are left out of <see cref="TransactionRequest.Hash"/>, so the fingerprint of a request
/// from before they existed stays what it was.
/// </summary>
internal sealed record TransactionLineRequest(
    string? Sku,
    string? Category,
    decimal? Quantity,
    long? UnitPrice,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Brand = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Dictionary<string, string>? Attributes = null);

/// <summary>
/// A transaction as a shop or POS posts it. The member is named by one of <see cref="MemberId"/>,
/// <see cref="CardNumber"/> or <see cref="MemberExternalId"/>. Amounts are in minor units of the program's currency.
/// </summary>
internal sealed record TransactionRequest(
    string? ExternalId,
    string? Type,
    string? OriginalExternalId,
    Guid? MemberId,
    string? CardNumber,
    string? MemberExternalId,
    DateTimeOffset? OccurredAt,
    string? Channel,
    string? Store,
    string? Currency,
    long? Total,
    List<TransactionLineRequest>? Lines,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PaymentMethod = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Dictionary<string, string>? Attributes = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PaymentFingerprint = null)
{
    public const int MaxLines = 500;
    public const int MaxAttributes = 20;
    public const int MaxAttributeKeyLength = 50;
    public const int MaxAttributeValueLength = 200;
    public const long MaxAmount = 1_000_000_000_000;
    public static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(5);

    public TransactionType ParsedType => Type?.ToLowerInvariant() == "return" ? TransactionType.Return : TransactionType.Purchase;

    public ValidationErrors Validate(LoyaltyProgram program, DateTimeOffset now)
    {
        var lines = Lines ?? [];
        var errors = new ValidationErrors()
            .Check(ExternalId is { Length: > 0 and <= 100 }, "externalId", "Give your transaction id, 1-100 characters; it makes a repeat safe.")
            .Check(Type is null || Type.ToLowerInvariant() is "purchase" or "return", "type", "Use purchase or return.")
            .Check(ParsedType == TransactionType.Purchase || OriginalExternalId is { Length: > 0 and <= 100 }, "originalExternalId", "A return names the purchase it returns.")
            .Check(new object?[] { MemberId, CardNumber, MemberExternalId }.Count(v => v is not null) == 1, "memberId", "Name the member by exactly one of memberId, cardNumber or memberExternalId.")
            .Check(OccurredAt is not null && OccurredAt <= now + AllowedClockSkew && OccurredAt > now.AddYears(-10), "occurredAt", "Give the time of the transaction; not in the future, not more than 10 years ago.")
            .Check(Channel is null || Channel.Length is > 0 and <= 50, "channel", "1-50 characters, such as pos or web.")
            .Check(Store is null || Store.Length <= 100, "store", "At most 100 characters.")
            .Check(PaymentMethod is null || PaymentMethod.Length is > 0 and <= 50, "paymentMethod", "1-50 characters, such as card, cash or voucher.")
            .Check(PaymentFingerprint is null || PaymentFingerprint.Length is > 0 and <= 200, "paymentFingerprint", "The POS's opaque token of the means of payment, 1-200 characters.")
            .Check(AttributesFit(Attributes), "attributes", AttributesRule)
            .Check(Currency == program.Currency, "currency", $"This program earns in {program.Currency}.")
            .Check(Total is > 0 and <= MaxAmount, "total", $"Give the total in minor units, 1 to {MaxAmount}.")
            .Check(lines.Count <= MaxLines, "lines", $"At most {MaxLines} lines.");
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            errors
                .Check(line.Sku is { Length: > 0 and <= 100 }, $"lines[{i}].sku", "1-100 characters.")
                .Check(line.Category is null || line.Category.Length <= 100, $"lines[{i}].category", "At most 100 characters.")
                .Check(line.Brand is null || line.Brand.Length is > 0 and <= 100, $"lines[{i}].brand", "1-100 characters.")
                .Check(AttributesFit(line.Attributes), $"lines[{i}].attributes", AttributesRule)
                .Check(line.Quantity is > 0 and <= 1_000_000, $"lines[{i}].quantity", "Greater than 0, at most 1,000,000.")
                .Check(line.UnitPrice is >= 0 and <= MaxAmount, $"lines[{i}].unitPrice", $"In minor units, 0 to {MaxAmount}.");
        }

        if (errors.IsEmpty && lines.Count > 0)
        {
            // Each line may be rounded to the minor unit, so the lines may miss the total by one unit per line.
            var sum = lines.Sum(AmountOf);
            errors.Check(Math.Abs(sum - Total!.Value) <= lines.Count, "lines", $"The lines add up to {sum}, not to the total {Total}.");
        }

        return errors;
    }

    private static string AttributesRule =>
        $"At most {MaxAttributes} attributes, keys of 1-{MaxAttributeKeyLength} and values of at most {MaxAttributeValueLength} characters.";

    private static bool AttributesFit(Dictionary<string, string>? attributes) =>
        attributes is null
        || (attributes.Count <= MaxAttributes
            && attributes.All(a => a.Key.Length is > 0 and <= MaxAttributeKeyLength && a.Value is not null && a.Value.Length <= MaxAttributeValueLength));

    public static long AmountOf(TransactionLineRequest line) =>
        (long)decimal.Round(line.Quantity!.Value * line.UnitPrice!.Value, MidpointRounding.AwayFromZero);

    /// <summary>Fingerprint of the content, to tell a harmless repeat from a different transaction under a reused id.</summary>
    /// <summary>
    /// The payment fingerprint as it is stored: a hash under the program's id, so the POS's token is never kept and the
    /// same card gives different values in different programs.
    /// </summary>
    public static string? FingerprintHash(Guid programId, string? fingerprint) =>
        fingerprint is null ? null : Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{programId:N}:{fingerprint}")));

    public string Hash() => Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(this with { Type = ParsedType.ToString() })));
}
