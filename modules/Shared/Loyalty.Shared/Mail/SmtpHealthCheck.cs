using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Loyalty.Shared.Mail;

/// <summary>
/// Connects to the SMTP server, signs in if configured, and says NOOP: what sending needs, without sending.
/// <paramref name="server"/> gives null when the module is not set up to send, which is healthy.
/// </summary>
public sealed class SmtpHealthCheck(Func<SmtpServer?> server) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (server() is not { } smtp)
        {
            return HealthCheckResult.Healthy("Not set up to send email.");
        }

        using var client = new SmtpClient();
        try
        {
            await smtp.ConnectAsync(client, cancellationToken);
            await client.NoOpAsync(cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            return HealthCheckResult.Healthy($"{smtp.Host}:{smtp.Port} accepts mail");
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SmtpCommandException or AuthenticationException
                                      or SslHandshakeException or ServiceNotConnectedException or TimeoutException or OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"{smtp.Host}:{smtp.Port}: {e.GetType().Name}");
        }
    }
}
