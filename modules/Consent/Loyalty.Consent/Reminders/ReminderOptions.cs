using Loyalty.Shared.Mail;

namespace Loyalty.Consent.Reminders;

/// <summary>Email reminders to the DPO, section <c>Modules:Consent:Reminders</c>. Without addresses nothing is sent.</summary>
internal sealed class ReminderOptions : SmtpServer
{
    public const string Section = "Modules:Consent:Reminders";

    /// <summary>Who is reminded (the DPO's address or a shared mailbox); empty: no reminders.</summary>
    public string[] DpoAddresses { get; set; } = [];

    /// <summary>A request due within this many days gets its "due soon" reminder.</summary>
    public int DaysBefore { get; set; } = 7;

    public string FromAddress { get; set; } = "loyalty@localhost";

    /// <summary>Where staff reach the admin UI (<c>https://loyalty.example.com</c>); empty: the email holds the page's path only.</summary>
    public string? AdminBaseUrl { get; set; }

    /// <summary>The admin UI's page of one request, the only link a reminder holds.</summary>
    public string RequestPage(Guid id) => $"{AdminBaseUrl?.TrimEnd('/')}/admin/gdpr/requests/{id}";
}
