using System.Globalization;
using Loyalty.Consent.Persistence;
using Loyalty.Consent.Requests;
using Loyalty.Shared.Auditing;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Quartz;

namespace Loyalty.Consent.Reminders;

/// <summary>
/// Emails the DPO about each open request due within <see cref="ReminderOptions.DaysBefore"/> days, and again once it
/// is overdue: once per request, stage and due date. A reminder is recorded after it was handed to the SMTP server, so
/// a crash in between sends it again rather than never. The email names the request by its id, type and due date only, and links to its admin page.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class SendDpoRemindersJob(
    ConsentDbContext db, AuditTrail audit, IOptions<ReminderOptions> options, TimeProvider clock, ILogger<SendDpoRemindersJob> logger) : IJob
{
    public static readonly JobKey Key = new(nameof(SendDpoRemindersJob), ConsentDbContext.SchemaName);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.DpoAddresses.Length == 0)
        {
            return;
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var soon = today.AddDays(settings.DaysBefore);
        var closed = new[] { RequestStatus.Completed, RequestStatus.Rejected };
        var open = await db.Requests.AsNoTracking().Where(r => !closed.Contains(r.Status))
            .Select(r => new { r.Id, r.Type, r.ReceivedAt, Due = r.ExtendedDueOn ?? r.DueOn }).ToListAsync(cancellationToken);
        var due = open.Where(r => r.Due <= soon).Select(r => (r.Id, r.Type, r.ReceivedAt, r.Due, Stage: r.Due < today ? DpoReminder.Overdue : DpoReminder.DueSoon)).ToList();
        if (due.Count == 0)
        {
            return;
        }

        var ids = due.Select(r => r.Id).ToList();
        var sent = (await db.DpoReminders.AsNoTracking().Where(r => ids.Contains(r.RequestId)).Select(r => new { r.RequestId, r.Stage, r.DueOn }).ToListAsync(cancellationToken))
            .Select(r => (r.RequestId, r.Stage, r.DueOn)).ToHashSet();
        var pending = due.Where(r => !sent.Contains((r.Id, r.Stage, r.Due))).OrderBy(r => r.Due).ThenBy(r => r.ReceivedAt).ToList();
        if (pending.Count == 0)
        {
            return;
        }

        using var client = new SmtpClient();
        await settings.ConnectAsync(client, cancellationToken);

        foreach (var request in pending)
        {
            using var message = Build(settings, request.Id, RequestDto.Name(request.Type), request.Due, request.Stage, today);
            await client.SendAsync(message, cancellationToken);
            db.DpoReminders.Add(new DpoReminder { RequestId = request.Id, Stage = request.Stage, DueOn = request.Due, SentAt = clock.GetUtcNow() });
            audit.Record(db, "consent.request.reminded", "request", request.Id.ToString(), new { stage = request.Stage, dueOn = request.Due });
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("DPO reminded of data subject request {RequestId} ({Stage})", request.Id, request.Stage);
        }

        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    private static MimeMessage Build(ReminderOptions settings, Guid id, string type, DateOnly due, string stage, DateOnly today)
    {
        var dueOn = due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(settings.FromAddress));
        foreach (var address in settings.DpoAddresses)
        {
            message.To.Add(MailboxAddress.Parse(address));
        }

        var overdue = stage == DpoReminder.Overdue;
        message.Subject = overdue ? $"Overdue: data subject request {id} was due on {dueOn}" : $"Due soon: data subject request {id} is due on {dueOn}";
        var days = due.DayNumber - today.DayNumber;
        message.Body = new TextPart("plain")
        {
            Text = $"""
                Data subject request {id} ({type}) {(overdue ? $"was due on {dueOn} and is still open." : $"is due on {dueOn}, in {days} day(s), and is still open.")}

                Open it: {settings.RequestPage(id)}
                An extension is possible only before the first month ends.
                """,
        };
        return message;
    }
}
