namespace Loyalty.Campaigns.Referrals;

/// <summary>The <c>Referrals</c> configuration section: the link, and the defaults of a program without <see cref="ReferralSettings"/>.</summary>
internal sealed class ReferralOptions
{
    /// <summary>The link a member shares; <c>{code}</c> is replaced by their code.</summary>
    public string LinkTemplate { get; set; } = "https://shop.example/join?ref={code}";

    /// <summary>Days after the referred member's enrolment in which their first qualifying purchase completes the referral.</summary>
    public int CompletionWindowDays { get; set; } = 30;

    /// <summary>Referrals a referrer may start per calendar month (UTC); more are refused with <c>monthlyCap</c>.</summary>
    public int MonthlyCapPerReferrer { get; set; } = 10;

    public string LinkFor(string code) => LinkTemplate.Replace("{code}", Uri.EscapeDataString(code), StringComparison.Ordinal);
}
