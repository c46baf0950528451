using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Loyalty.Feedback.Distribution;

internal sealed class FeedbackOptions
{
    public const string Section = "Modules:Feedback";

    /// <summary>Where members reach the host (<c>https://loyalty.example.com</c>); links are relative without it.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>How long a personal link is valid when the survey does not say.</summary>
    public int LinkValidDays { get; set; } = 30;
}

/// <summary>
/// A personal link carries its send's id, signed and encrypted by ASP.NET Core Data Protection (the host's key ring,
/// rotated and shared across nodes as the host configures it), so a forged or altered token names no send. Expiry
/// and the one response are kept on the send, where they cannot be altered by the holder.
/// </summary>
internal sealed class SurveyLinks(IDataProtectionProvider dataProtection, IOptions<FeedbackOptions> options)
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("Loyalty.Feedback.SurveyLinks.v1");

    public string Token(Guid sendId) => WebEncoders.Base64UrlEncode(_protector.Protect(sendId.ToByteArray()));

    public string Link(Guid sendId) => $"{options.Value.PublicBaseUrl?.TrimEnd('/')}/api/feedback/s/{Token(sendId)}";

    public static string AnonymousPath(string program, string key) => $"/api/feedback/public/{Uri.EscapeDataString(program)}/{Uri.EscapeDataString(key)}";

    public Guid? SendId(string token)
    {
        try
        {
            var bytes = _protector.Unprotect(WebEncoders.Base64UrlDecode(token));
            return bytes.Length == 16 ? new Guid(bytes) : null;
        }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}
