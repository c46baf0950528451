using System.Globalization;
using System.Net.Mail;
using Loyalty.Shared.Http;

namespace Loyalty.Members.Enrollment;

internal sealed record AddressDto(string? Line1, string? Line2, string? PostalCode, string? City, string? Country);

internal sealed record IdentifierDto(string Kind, string Value);

internal sealed record MemberDto(
    Guid Id,
    string Program,
    string Status,
    string? Email,
    string? Phone,
    string? FirstName,
    string? LastName,
    DateOnly? BirthDate,
    string? Locale,
    AddressDto Address,
    IReadOnlyDictionary<string, string> Attributes,
    string EnrollmentChannel,
    DateTimeOffset EnrolledAt,
    IReadOnlyList<IdentifierDto> Identifiers,
    string? Tier)
{
    public static MemberDto From(Member m, string programCode) => new(
        m.Id, programCode, m.Status.ToString(), m.Email, m.Phone, m.FirstName, m.LastName, m.BirthDate, m.Locale,
        new AddressDto(m.Address.Line1, m.Address.Line2, m.Address.PostalCode, m.Address.City, m.Address.Country),
        m.Attributes, m.EnrollmentChannel, m.EnrolledAt,
        [.. m.Identifiers.OrderBy(i => i.AddedAt).Select(i => new IdentifierDto(i.Kind.ToString(), i.Value))],
        m.TierState?.TierCode);

    /// <summary>The member's version as an HTTP entity tag, for If-Match on updates.</summary>
    public static string ETag(Member m) => $"\"{m.Version}\"";
}

/// <summary>The profile fields an enrolment or update may carry; validated the same way for both.</summary>
internal record ProfileFields(
    string? Email,
    string? Phone,
    string? FirstName,
    string? LastName,
    DateOnly? BirthDate,
    string? Locale,
    AddressDto? Address,
    Dictionary<string, string>? Attributes)
{
    public const int MaxAttributes = 50;

    public ValidationErrors Validate(ValidationErrors errors, DateOnly today) => errors
        .Check(Email is null || (Email.Length <= 320 && MailAddress.TryCreate(Email, out var parsed) && parsed.Address == Email), "email", "Give a plain email address such as ada@example.com.")
        .Check(Phone is null || (Phone.Length <= 32 && Phone.All(c => char.IsDigit(c) || c is '+' or ' ' or '-' or '(' or ')')), "phone", "Give a phone number of digits, spaces and + - ( ), at most 32 characters.")
        .Check(FirstName is null || FirstName.Length <= 100, "firstName", "At most 100 characters.")
        .Check(LastName is null || LastName.Length <= 100, "lastName", "At most 100 characters.")
        .Check(BirthDate is null || (BirthDate <= today && BirthDate > today.AddYears(-130)), "birthDate", "Give a date in the past 130 years.")
        .Check(Locale is null || IsCulture(Locale), "locale", "Give a BCP 47 language tag such as de-DE.")
        .Check(Address?.Country is null || (Address.Country.Length == 2 && Address.Country.All(char.IsAsciiLetterUpper)), "address.country", "Give an ISO 3166 alpha-2 code such as DE.")
        .Check(Address is null || new[] { Address.Line1, Address.Line2 }.All(l => l is null || l.Length <= 200), "address", "Address lines have at most 200 characters.")
        .Check(Attributes is null || (Attributes.Count <= MaxAttributes && Attributes.All(a => a.Key.Length is > 0 and <= 50 && a.Value.Length <= 500)), "attributes", $"At most {MaxAttributes} attributes, keys of 1-50 and values of at most 500 characters.");

    private static bool IsCulture(string tag)
    {
        try
        {
            return tag.Length <= 35 && CultureInfo.GetCultureInfo(tag, predefinedOnly: true).Name.Length > 0;
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }
}

internal sealed record EnrollRequest(
    string? Email,
    string? Phone,
    string? FirstName,
    string? LastName,
    DateOnly? BirthDate,
    string? Locale,
    AddressDto? Address,
    Dictionary<string, string>? Attributes,
    string? ExternalId,
    string? CardNumber,
    string? Channel,
    string? ReferralCode = null)
    : ProfileFields(Email, Phone, FirstName, LastName, BirthDate, Locale, Address, Attributes)
{
    public ValidationErrors Validate(DateOnly today) => Validate(new ValidationErrors(), today)
        .Check(Email is not null || ExternalId is not null || CardNumber is not null, "email", "Give an email, an external id or a card number, so the member can be found again.")
        .Check(ExternalId is null || ExternalId.Length is > 0 and <= 100, "externalId", "1-100 characters.")
        .Check(CardNumber is null || CardNumber.Length is > 0 and <= 100, "cardNumber", "1-100 characters.")
        .Check(Channel is null || Channel.Length is > 0 and <= 50, "channel", "1-50 characters, such as web, pos or import.")
        .Check(ReferralCode is null || ReferralCode.Length is > 0 and <= 32, "referralCode", "1-32 characters: the code from the referrer's link.");
}

internal sealed record UpdateProfileRequest(
    string? Email,
    string? Phone,
    string? FirstName,
    string? LastName,
    DateOnly? BirthDate,
    string? Locale,
    AddressDto? Address,
    Dictionary<string, string>? Attributes)
    : ProfileFields(Email, Phone, FirstName, LastName, BirthDate, Locale, Address, Attributes);

internal sealed record ChangeStatusRequest(string? Status, string? Reason);

internal sealed record AddIdentifierRequest(string? Kind, string? Value);
