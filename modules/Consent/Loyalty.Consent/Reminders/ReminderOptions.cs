using MailKit.Security;

namespace Loyalty.Consent.Reminders;

/// <summary>Email reminders to the DPO, section <c>Modules:Consent:Reminders</c>. Without addresses nothing is sent.</summary>
internal sealed class ReminderOptions
{
    public const string Section = "Modules:Consent:Reminders";

    /// <summary>Who is reminded (the DPO's address or a shared mailbox); empty: no reminders.</summary>
    public string[] DpoAddresses { get; set; } = [];

    /// <summary>A request due within this many days gets its "due soon" reminder.</summary>
    public int DaysBefore { get; set; } = 7;

    public string FromAddress { get; set; } = "loyalty@localhost";

    public string Host { get; set; } = "localhost";

    public int Port { get; set; } = 25;

    /// <summary><c>None</c>, <c>Auto</c>, <c>SslOnConnect</c>, <c>StartTls</c> or <c>StartTlsWhenAvailable</c> (MailKit's names).</summary>
    public SecureSocketOptions Tls { get; set; } = SecureSocketOptions.StartTlsWhenAvailable;

    /// <summary>Empty: no authentication.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
