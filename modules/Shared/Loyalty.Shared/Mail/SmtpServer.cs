using MailKit.Net.Smtp;
using MailKit.Security;

namespace Loyalty.Shared.Mail;

/// <summary>
/// The SMTP server a module hands its email to: address, transport security and account. Modules bind it from their
/// own configuration section (campaign sends and DPO reminders may use different servers) and connect through it.
/// </summary>
public class SmtpServer
{
    public string Host { get; set; } = "localhost";

    public int Port { get; set; } = 25;

    /// <summary><c>None</c>, <c>Auto</c>, <c>SslOnConnect</c>, <c>StartTls</c> or <c>StartTlsWhenAvailable</c> (MailKit's names).</summary>
    public SecureSocketOptions Tls { get; set; } = SecureSocketOptions.StartTlsWhenAvailable;

    /// <summary>Empty: no authentication.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Connects <paramref name="client"/> and signs in when an account is configured.</summary>
    public async Task ConnectAsync(SmtpClient client, CancellationToken cancellationToken)
    {
        client.Timeout = (int)Timeout.TotalMilliseconds;
        await client.ConnectAsync(Host, Port, Tls, cancellationToken);
        if (!string.IsNullOrEmpty(UserName))
        {
            await client.AuthenticateAsync(UserName, Password ?? "", cancellationToken);
        }
    }
}
