using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Loyalty.Campaigns.Sends;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.Campaigns.Messaging;

/// <param name="UnsubscribeUrl">The one-click unsubscribe link; null for a test send, which names no member.</param>
internal sealed record OutgoingMessage(
    Guid MessageId, Guid? CampaignId, Guid? MemberId, string Address, string? Locale, string Subject, string Body, string? UnsubscribeUrl);

internal enum DeliveryOutcome
{
    Sent,
    Failed,
    Bounced,
}

/// <param name="Reason">A status code or an exception type, never the server's text (it may quote the address).</param>
internal sealed record Delivery(DeliveryOutcome Outcome, int Attempts, string? Reason);

/// <summary>One run's hand-over to a channel: an email session keeps its SMTP connection open across the messages of a run.</summary>
internal interface IChannelSession : IAsyncDisposable
{
    Task<Delivery> DeliverAsync(OutgoingMessage message, CancellationToken cancellationToken);
}

internal sealed class ChannelSessions(IOptions<MessagingOptions> options, IHttpClientFactory http, TimeProvider clock, ILoggerFactory loggers)
{
    public const string WebhookClient = "campaigns.webhook";

    public IChannelSession Open(CampaignChannel channel) => channel switch
    {
        CampaignChannel.Email => new EmailSession(options.Value, loggers.CreateLogger<EmailSession>()),
        CampaignChannel.Webhook => new WebhookSession(options.Value.Webhook, http.CreateClient(WebhookClient), clock),
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };

    /// <summary>Why the channel cannot send, or null when it can.</summary>
    public string? Problem(CampaignChannel channel) => channel == CampaignChannel.Webhook && (
        !Uri.TryCreate(options.Value.Webhook.Url, UriKind.Absolute, out _) || options.Value.Webhook.Secret is not { Length: >= MessagingOptions.MinimumSecretLength })
        ? $"Set {MessagingOptions.Section}:Webhook:Url and :Webhook:Secret (at least {MessagingOptions.MinimumSecretLength} characters) before sending by webhook."
        : null;
}

/// <summary>
/// Email through MailKit: one SMTP connection for the whole run, reconnected when it drops. Transient errors (4xx
/// replies, a lost connection) are retried with a doubling wait; a 5xx refusal of the recipient is a bounce, any other
/// 5xx a failure, neither retried.
/// </summary>
internal sealed class EmailSession(MessagingOptions options, ILogger<EmailSession> logger) : IChannelSession
{
    private readonly SmtpClient _client = new();

    public async Task<Delivery> DeliverAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        using var mime = Build(message);
        var smtp = options.Smtp;
        for (var attempt = 1; ; attempt++)
        {
            string reason;
            try
            {
                await ConnectAsync(cancellationToken);
                await _client.SendAsync(mime, cancellationToken);
                return new Delivery(DeliveryOutcome.Sent, attempt, null);
            }
            catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
            {
                var outcome = e.ErrorCode == SmtpErrorCode.RecipientNotAccepted ? DeliveryOutcome.Bounced : DeliveryOutcome.Failed;
                return new Delivery(outcome, attempt, $"SMTP {(int)e.StatusCode} ({e.ErrorCode})");
            }
            catch (SmtpCommandException e)
            {
                reason = $"SMTP {(int)e.StatusCode} ({e.ErrorCode})";
            }
            catch (Exception e) when (e is SmtpProtocolException or IOException or SocketException or ServiceNotConnectedException or TimeoutException)
            {
                reason = e.GetType().Name;
                await DisconnectQuietlyAsync();
            }

            if (attempt >= smtp.MaxAttempts)
            {
                return new Delivery(DeliveryOutcome.Failed, attempt, reason);
            }

            logger.LogWarning("SMTP hand-over of message {MessageId} failed ({Reason}), try {Attempt} of {MaxAttempts}", message.MessageId, reason, attempt, smtp.MaxAttempts);
            await Task.Delay(smtp.FirstRetryDelay * Math.Pow(2, attempt - 1), cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DisconnectQuietlyAsync();
        _client.Dispose();
    }

    private MimeMessage Build(OutgoingMessage message)
    {
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(options.FromName, options.FromAddress));
        mime.To.Add(MailboxAddress.Parse(message.Address));
        mime.Subject = message.Subject;
        var domain = options.FromAddress.Split('@') is [_, var d] ? d : "localhost";
        mime.MessageId = $"{message.MessageId:N}@{domain}";
        if (message.UnsubscribeUrl is { } unsubscribe)
        {
            // RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the https link, without a page in between.
            mime.Headers.Add("List-Unsubscribe", $"<{unsubscribe}>");
            mime.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }

        mime.Body = new BodyBuilder { HtmlBody = message.Body }.ToMessageBody();
        return mime;
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (_client.IsConnected)
        {
            return;
        }

        await options.Smtp.ConnectAsync(_client, cancellationToken);
    }

    private async Task DisconnectQuietlyAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync(quit: true, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or ServiceNotConnectedException)
        {
            // The connection is gone either way; the next message connects anew.
        }
    }
}

/// <summary>
/// A signed JSON POST per message for SMS and push integrators. <c>X-Loyalty-Signature</c> is
/// <c>sha256=</c> and the hex HMAC-SHA256 of <c>{X-Loyalty-Timestamp}.{body}</c>; <c>X-Loyalty-Message-Id</c> stays the
/// same across retries, so the receiver can drop a repeat. 408, 429, 5xx and lost connections are retried.
/// </summary>
internal sealed class WebhookSession(WebhookOptions options, HttpClient client, TimeProvider clock) : IChannelSession
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Delivery> DeliverAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new
        {
            message.MessageId, message.CampaignId, message.MemberId, To = message.Address, message.Locale,
            Title = message.Subject, message.Body, message.UnsubscribeUrl,
        }, Json);
        for (var attempt = 1; ; attempt++)
        {
            string reason;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, options.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
                var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Secret!), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
                request.Headers.Add("X-Loyalty-Timestamp", timestamp);
                request.Headers.Add("X-Loyalty-Signature", $"sha256={Convert.ToHexStringLower(signature)}");
                request.Headers.Add("X-Loyalty-Message-Id", message.MessageId.ToString());
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(options.Timeout);
                using var response = await client.SendAsync(request, timeout.Token);
                var status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    return new Delivery(DeliveryOutcome.Sent, attempt, null);
                }

                reason = $"HTTP {status}";
                if (status is not (408 or 429) && status < 500)
                {
                    return new Delivery(DeliveryOutcome.Failed, attempt, reason);
                }
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                reason = e.GetType().Name;
            }

            if (attempt >= options.MaxAttempts)
            {
                return new Delivery(DeliveryOutcome.Failed, attempt, reason);
            }

            await Task.Delay(options.FirstRetryDelay * Math.Pow(2, attempt - 1), cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
