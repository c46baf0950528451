namespace Loyalty.Consent.Requests;

/// <summary>
/// The answer period of Art. 12(3) GDPR, counted as Regulation (EEC, Euratom) No 1182/71 counts periods expressed in
/// months: the day of receipt is not counted (Art. 3(1)), and the period ends with the last hour of the day in the
/// last month that has the same date as the day of receipt, or, when that month has no such day, with the last hour
/// of its last day (Art. 3(2)(c)). Received 15 March: due 15 April; received 31 January: due 28 February (29 in a
/// leap year); received 31 August: due 30 September.
/// </summary>
/// <remarks>
/// Art. 3(4), which moves a period ending on a Saturday, Sunday or public holiday to the next working day, is not
/// applied: public holidays differ by member state and region, and an earlier date shown is never a missed deadline.
/// The day is the UTC calendar day of receipt.
/// </remarks>
internal static class RequestDeadlines
{
    public const int MaxExtensionMonths = 2;

    /// <summary>The last day to answer a request received at <paramref name="receivedAt"/>, given <paramref name="months"/> (1, or up to 3 with an extension).</summary>
    public static DateOnly DueOn(DateTimeOffset receivedAt, int months = 1) =>
        // AddMonths keeps the day of the month and, when the target month is shorter, takes its last day: Art. 3(2)(c).
        DateOnly.FromDateTime(receivedAt.UtcDateTime).AddMonths(months);
}
