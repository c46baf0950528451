using System.Diagnostics;
using Loyalty.Campaigns.Messaging;
using Loyalty.Members.Contracts;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loyalty.Campaigns.Benchmarks;

/// <summary>
/// Renders and sends <c>count</c> personalised emails (<see cref="MessageRenderBenchmark"/>'s template) through the
/// campaign's SMTP session, one connection reused, to a local sink, and prints the rate. It measures what a send does
/// per message apart from the database: the model, the strict render, the MIME message and the SMTP hand-over.
/// </summary>
internal static class SendBenchmark
{
    public static async Task RunAsync(int count, string host, int port)
    {
        var options = new MessagingOptions { FromAddress = "news@shop.example", Smtp = new SmtpOptions { Host = host, Port = port, Tls = MailKit.Security.SecureSocketOptions.None } };
        var subject = MessageTemplate.Parse(MessageRenderBenchmark.Subject);
        var body = MessageTemplate.Parse(MessageRenderBenchmark.Body);
        var member = new MessageRecipient(Guid.NewGuid(), "active", "ada@example.com", null, "Ada", "Lovelace", "en-GB", "gold", 12_345, 800, DateTimeOffset.UtcNow.AddDays(20));
        await using var session = new EmailSession(options, NullLogger<EmailSession>.Instance);
        var clock = Stopwatch.StartNew();
        var failed = 0;
        for (var i = 0; i < count; i++)
        {
            var model = MessageRenderBenchmark.Model(member, i);
            var message = new OutgoingMessage(Guid.CreateVersion7(), Guid.Empty, member.Id, $"member{i}@example.com", "en", subject.Render(model).Text!, body.Render(model).Text!,
                $"https://loyalty.example.com/api/campaigns/m/unsubscribe/{i}");
            if ((await session.DeliverAsync(message, CancellationToken.None)).Outcome != DeliveryOutcome.Sent)
            {
                failed++;
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{count} emails rendered and sent to {host}:{port} in {seconds:F2} s: {count / seconds:F0} emails/s, {failed} not accepted");
    }
}
