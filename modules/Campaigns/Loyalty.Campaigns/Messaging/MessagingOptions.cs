using Loyalty.Shared.Mail;

namespace Loyalty.Campaigns.Messaging;

/// <summary>Campaign sending, section <c>Modules:Campaigns:Messaging</c>.</summary>
internal sealed class MessagingOptions
{
    public const string Section = "Modules:Campaigns:Messaging";

    public const int MinimumSecretLength = 32;

    /// <summary>The address members reach this installation at (<c>https://loyalty.example.com</c>): unsubscribe, open and click links.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The key of the links' signatures (HMAC-SHA256), at least 32 characters; changing it breaks every link already sent.</summary>
    public string? LinkSecret { get; set; }

    public string FromAddress { get; set; } = "loyalty@localhost";

    public string FromName { get; set; } = "Loyalty";

    /// <summary>Messages handed over per round before the campaign's claim is extended and its progress saved.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// How long a node's claim of a campaign it sends lasts; it is extended after each round. A campaign whose sending
    /// node died is continued by another node once the claim ran out, so it must outlast the slowest round.
    /// </summary>
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromMinutes(5);

    public SmtpOptions Smtp { get; set; } = new();

    public WebhookOptions Webhook { get; set; } = new();

    /// <summary>Why sending cannot start, or null when it can.</summary>
    public string? Problem() =>
        !Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out _) ? $"Set {Section}:PublicBaseUrl, the address the unsubscribe link points to."
        : LinkSecret is not { Length: >= MinimumSecretLength } ? $"Set {Section}:LinkSecret (at least {MinimumSecretLength} characters), which signs the unsubscribe link."
        : null;
}

/// <summary>The server campaign emails go to (<c>Modules:Campaigns:Messaging:Smtp</c>), and how sends retry.</summary>
internal sealed class SmtpOptions : SmtpServer
{
    /// <summary>Tries per message for transient errors (4xx replies, lost connections), the first included.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The wait before the second try; it doubles for each further one.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);
}

internal sealed class WebhookOptions
{
    /// <summary>Where webhook campaigns POST their messages.</summary>
    public string? Url { get; set; }

    /// <summary>The key of the <c>X-Loyalty-Signature</c> header (HMAC-SHA256), at least 32 characters.</summary>
    public string? Secret { get; set; }

    public int MaxAttempts { get; set; } = 4;

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
}
