using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Loyalty.Campaigns.Messaging;

/// <summary>
/// The links a message carries: unsubscribe, open pixel and click redirects. Each names its message and is signed
/// (HMAC-SHA256 with <see cref="MessagingOptions.LinkSecret"/>), so it cannot be guessed from another member's link,
/// and a click link only redirects to the address the message had.
/// </summary>
internal sealed partial class MessageLinks(IOptions<MessagingOptions> options)
{
    private const string Route = "/api/campaigns/m";

    public string Unsubscribe(Guid messageId) => Url("unsubscribe", Sign($"u:{messageId:N}"));

    public string OpenPixel(Guid messageId) => Url("open", Sign($"o:{messageId:N}"));

    public string Click(Guid messageId, string target) =>
        Url("click", Sign($"c:{messageId:N}:{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(target))}"));

    /// <summary>The message a token of <paramref name="kind"/> (<c>u</c>, <c>o</c>, <c>c</c>) names, and for a click its target; null for a forged or foreign token.</summary>
    public (Guid MessageId, string? Target)? Read(string token, char kind)
    {
        var dot = token.LastIndexOf('.');
        if (dot < 0 || options.Value.LinkSecret is not { Length: >= MessagingOptions.MinimumSecretLength })
        {
            return null;
        }

        byte[] payload, signature;
        try
        {
            payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            signature = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(signature, Mac(payload)))
        {
            return null;
        }

        var parts = Encoding.UTF8.GetString(payload).Split(':');
        if (parts[0] != kind.ToString() || !Guid.TryParseExact(parts[1], "N", out var id))
        {
            return null;
        }

        return (id, kind == 'c' && parts.Length == 3 ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[2])) : null);
    }

    /// <summary>Points every absolute http(s) link of an HTML body through the click redirect, except the unsubscribe link.</summary>
    public string TrackClicks(Guid messageId, string html, string unsubscribeUrl) =>
        HrefPattern().Replace(html, match =>
        {
            var target = System.Net.WebUtility.HtmlDecode(match.Groups["url"].Value);
            return target == unsubscribeUrl ? match.Value : $"href=\"{System.Net.WebUtility.HtmlEncode(Click(messageId, target))}\"";
        });

    private string Url(string action, string token) => $"{options.Value.PublicBaseUrl!.TrimEnd('/')}{Route}/{action}/{token}";

    private string Sign(string payload)
    {
        var bytes = Encoding.UTF8.GetBytes(payload);
        return $"{Base64Url.EncodeToString(bytes)}.{Base64Url.EncodeToString(Mac(bytes))}";
    }

    private byte[] Mac(byte[] payload) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.LinkSecret!), payload);

    [GeneratedRegex("href=\"(?<url>https?://[^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex HrefPattern();
}
