namespace Loyalty.Consent.Consents;

/// <summary>
/// The current state of a member's consent, derived from the history: for a channel, the latest record on that
/// channel or on every channel decides. At the same moment a withdrawal wins over a grant, and a grant of a newer
/// text over one of an older. A grant counts while its text version is not older than the purpose's last material change.
/// </summary>
internal static class ConsentState
{
    public static T? Latest<T>(IEnumerable<T> records, string channel, Func<T, Fact> fact)
        where T : class =>
        records.Where(r => fact(r).Channel == channel || fact(r).Channel == ConsentRecord.AnyChannel)
            .MaxBy(r => fact(r) is var f ? (f.OccurredAt, f.RecordedAt, f.Granted ? 0 : 1, f.TextVersion ?? 0) : default);

    public static ConsentRecord? Latest(IEnumerable<ConsentRecord> records, string channel) =>
        Latest(records, channel, r => new Fact(r.Channel, r.OccurredAt, r.RecordedAt, r.Granted, r.TextVersion));

    public static bool Counts(bool granted, int? textVersion, int validFromVersion) => granted && textVersion >= validFromVersion;

    public readonly record struct Fact(string Channel, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt, bool Granted, int? TextVersion);
}
