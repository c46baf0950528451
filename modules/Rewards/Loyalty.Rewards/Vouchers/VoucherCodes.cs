using System.Security.Cryptography;
using System.Text;
using Loyalty.Shared.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Loyalty.Rewards.Vouchers;

/// <summary>How a reward's or a batch's voucher codes look and are stored.</summary>
internal sealed class VoucherCodeFormat
{
    /// <summary>Digits and capitals without the look-alikes 0/O, 1/I/L: 31 characters, about 5 bits each.</summary>
    public const string DefaultAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

    /// <summary>Printed before the random part (<c>SPRING-</c>); dashes and spaces are ignored when a code is entered.</summary>
    public string? Prefix { get; set; }

    /// <summary>Random characters, not counting the prefix and the check character.</summary>
    public int Length { get; set; } = 12;

    public string Alphabet { get; set; } = DefaultAlphabet;

    /// <summary>Appends a Luhn mod N check character, so a till can catch a mistyped code before asking the server.</summary>
    public bool CheckCharacter { get; set; }

    /// <summary>Keeps only the code's SHA-256 hash: a database dump does not reveal live codes, and the code is shown once.</summary>
    public bool HashOnly { get; set; }

    public double EntropyBits => Length * Math.Log2(Alphabet.Length);

    public static void Configure<TOwner>(OwnedNavigationBuilder<TOwner, VoucherCodeFormat> format)
        where TOwner : class
    {
        format.Property(f => f.Prefix).HasMaxLength(20);
        format.Property(f => f.Alphabet).HasMaxLength(64);
    }

    public static VoucherCodeFormat From(VoucherCodeFormatRequest? request) => new()
    {
        Prefix = string.IsNullOrWhiteSpace(request?.Prefix) ? null : request.Prefix.Trim().ToUpperInvariant(),
        Length = request?.Length ?? 12,
        Alphabet = string.IsNullOrEmpty(request?.Alphabet) ? DefaultAlphabet : request.Alphabet.ToUpperInvariant(),
        CheckCharacter = request?.CheckCharacter ?? false,
        HashOnly = request?.HashOnly ?? false,
    };
}

/// <summary>Code settings as an API client sends them; everything is optional.</summary>
internal sealed record VoucherCodeFormatRequest(string? Prefix, int? Length, string? Alphabet, bool? CheckCharacter, bool? HashOnly)
{
    public static void Validate(VoucherCodeFormatRequest? request, string field, ValidationErrors errors)
    {
        var format = VoucherCodeFormat.From(request);
        errors.Check(format.Prefix is null || (format.Prefix.Length <= 20 && format.Prefix.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')), $"{field}.prefix", "Use at most 20 letters, digits and dashes.");
        errors.Check(format.Length is >= 6 and <= 32, $"{field}.length", "Use 6 to 32 random characters.");
        errors.Check(format.Alphabet.Length is >= 16 and <= 64 && format.Alphabet.Distinct().Count() == format.Alphabet.Length && format.Alphabet.All(char.IsAsciiLetterOrDigit),
            $"{field}.alphabet", "Use 16 to 64 distinct letters and digits.");
        var minimumBits = format.HashOnly ? 60 : 40;
        errors.Check(format.EntropyBits >= minimumBits, $"{field}.length",
            $"Codes need at least {minimumBits} random bits{(format.HashOnly ? " when only their hash is kept" : "")}: use more characters.");
    }
}

/// <summary>Makes and reads voucher codes.</summary>
internal static class VoucherCodes
{
    /// <summary>A new code: cryptographically random, unbiased, from the format's alphabet.</summary>
    public static string Generate(VoucherCodeFormat format)
    {
        Span<char> random = stackalloc char[format.Length];
        RandomNumberGenerator.GetItems(format.Alphabet.AsSpan(), random);
        var code = new StringBuilder(format.Prefix).Append(random);
        if (format.CheckCharacter)
        {
            code.Append(CheckCharacter(random, format.Alphabet));
        }

        return code.ToString();
    }

    /// <summary>The form codes are compared and hashed in: capitals, without dashes and spaces.</summary>
    public static string Normalize(string code)
    {
        var normalized = new StringBuilder(code.Length);
        foreach (var c in code)
        {
            if (c is not ('-' or ' '))
            {
                normalized.Append(char.ToUpperInvariant(c));
            }
        }

        return normalized.ToString();
    }

    /// <summary>SHA-256 of the normalized code, as lower-case hex: what lookups use, whether or not the code itself is kept.</summary>
    public static string Hash(string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(code))));

    /// <summary>Luhn mod N: catches every single mistyped character and most swaps of neighbours.</summary>
    public static char CheckCharacter(ReadOnlySpan<char> payload, string alphabet)
    {
        var n = alphabet.Length;
        var factor = 2;
        var sum = 0;
        for (var i = payload.Length - 1; i >= 0; i--)
        {
            var addend = factor * alphabet.IndexOf(payload[i]);
            factor = factor == 2 ? 1 : 2;
            sum += addend / n + addend % n;
        }

        return alphabet[(n - sum % n) % n];
    }
}
