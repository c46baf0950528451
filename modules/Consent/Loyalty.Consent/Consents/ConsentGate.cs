using Loyalty.Consent.Contracts;
using Loyalty.Consent.Persistence;
using Loyalty.Consent.Restrictions;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Consents;

/// <summary>Answers from the records as they are in the database now; nothing is cached, so a withdrawal counts at once.</summary>
internal sealed class ConsentGate(ConsentDbContext db, ConsentRecording recording) : IConsentGate
{
    // Keeps each query's list of ids well below every provider's parameter limit.
    private const int Batch = 500;

    public async Task<bool> MayContactAsync(Guid memberId, string purpose, string channel, CancellationToken cancellationToken) =>
        (await WhoMayBeContactedAsync([memberId], purpose, channel, cancellationToken)).Contains(memberId);

    public async Task<IReadOnlySet<Guid>> WhoMayBeContactedAsync(
        IReadOnlyCollection<Guid> memberIds, string purpose, string channel, CancellationToken cancellationToken)
    {
        var allowed = new HashSet<Guid>();
        foreach (var batch in memberIds.Distinct().Chunk(Batch))
        {
            var records = await (
                from r in db.ConsentRecords.AsNoTracking()
                join p in db.Purposes on r.PurposeId equals p.Id
                where batch.Contains(r.MemberId) && r.PurposeKey == purpose && (r.Channel == channel || r.Channel == ConsentRecord.AnyChannel)
                select new Applicable(r.MemberId, r.Channel, r.OccurredAt, r.RecordedAt, r.Granted, r.TextVersion, p.ValidFromVersion))
                .ToListAsync(cancellationToken);
            var marked = await db.ProcessingMarks.AsNoTracking()
                .Where(m => batch.Contains(m.MemberId) && m.LiftedAt == null)
                .Select(m => m.MemberId)
                .ToListAsync(cancellationToken);
            foreach (var member in records.GroupBy(r => r.MemberId).Where(g => !marked.Contains(g.Key)))
            {
                var latest = ConsentState.Latest(member, channel, r => new ConsentState.Fact(r.Channel, r.OccurredAt, r.RecordedAt, r.Granted, r.TextVersion))!;
                if (ConsentState.Counts(latest.Granted, latest.TextVersion, latest.ValidFromVersion))
                {
                    allowed.Add(member.Key);
                }
            }
        }

        return allowed;
    }

    public async Task<IReadOnlySet<Guid>> ExcludedFromAsync(Guid programId, ProcessingUse use, CancellationToken cancellationToken)
    {
        // An objection (Art. 21(2), (3)) covers direct marketing and the profiling it relies on; a restriction (Art. 18) every use.
        var objectionCounts = use is ProcessingUse.Marketing or ProcessingUse.Profiling;
        var members = await db.ProcessingMarks.AsNoTracking()
            .Where(m => m.ProgramId == programId && m.LiftedAt == null && (m.Kind == MarkKind.Restriction || (objectionCounts && m.Kind == MarkKind.Objection)))
            .Select(m => m.MemberId)
            .Distinct()
            .ToListAsync(cancellationToken);
        return members.ToHashSet();
    }

    public async Task WithdrawAsync(Guid memberId, string purpose, string channel, string source, CancellationToken cancellationToken)
    {
        if (!ConsentRequests.TryParseSource(source, out var parsed))
        {
            throw new ArgumentOutOfRangeException(nameof(source), source, $"Give one of {ConsentRequests.SourceNames}.");
        }

        await recording.WithdrawAsync(memberId, purpose, channel, new Withdrawal(parsed, null, null, null, null), cancellationToken);
    }

    private sealed record Applicable(Guid MemberId, string Channel, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt, bool Granted, int? TextVersion, int ValidFromVersion);
}
