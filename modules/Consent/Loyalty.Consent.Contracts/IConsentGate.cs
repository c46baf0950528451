namespace Loyalty.Consent.Contracts;

/// <summary>
/// Asked at the moment of use whether a member's data may be used for a purpose (GDPR Art. 6, 7, 18, 21). The answer
/// is read from the consent records, objections and restrictions as they are now; callers must not cache it.
/// </summary>
public interface IConsentGate
{
    /// <summary>Whether the member has a valid consent for the purpose on the channel now, and neither objected nor is restricted.</summary>
    Task<bool> MayContactAsync(Guid memberId, string purpose, string channel, CancellationToken cancellationToken);

    /// <summary>The members among <paramref name="memberIds"/> that may be contacted now, for sends in batches.</summary>
    Task<IReadOnlySet<Guid>> WhoMayBeContactedAsync(
        IReadOnlyCollection<Guid> memberIds, string purpose, string channel, CancellationToken cancellationToken);

    /// <summary>
    /// The program's members who must be left out of the use: those who objected to it (Art. 21) and those whose
    /// processing is restricted (Art. 18). A short list, so segments and scores can subtract it in one query.
    /// </summary>
    Task<IReadOnlySet<Guid>> ExcludedFromAsync(Guid programId, ProcessingUse use, CancellationToken cancellationToken);

    /// <summary>
    /// Records a withdrawal, such as a click on an unsubscribe link; idempotent, effective for every message not yet sent.
    /// <paramref name="source"/> is one of <c>webForm</c>, <c>pos</c>, <c>import</c>, <c>crmSync</c>, <c>apiClient</c> or
    /// <c>unsubscribeLink</c>. A member without a consent to withdraw, or an unknown purpose, records nothing.
    /// </summary>
    Task WithdrawAsync(Guid memberId, string purpose, string channel, string source, CancellationToken cancellationToken);
}

/// <summary>What a member's data is used for, beyond storage.</summary>
public enum ProcessingUse
{
    /// <summary>Marketing sends and marketing segments.</summary>
    Marketing,

    /// <summary>Scores and personalisation (churn risk, RFM, lifetime value).</summary>
    Profiling,

    /// <summary>Copies sent to a connected CRM.</summary>
    CrmExport,
}

/// <summary>The purposes and channels every install knows; programs may add purposes of their own.</summary>
public static class ConsentPurposes
{
    public const string EmailMarketing = "email-marketing";
    public const string SmsMarketing = "sms-marketing";
    public const string Profiling = "profiling";
    public const string PartnerSharing = "partner-sharing";
}

public static class ConsentChannels
{
    public const string Email = "email";
    public const string Sms = "sms";
    public const string Push = "push";
    public const string Webhook = "webhook";
}
