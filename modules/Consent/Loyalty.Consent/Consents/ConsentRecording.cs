using Loyalty.Consent.Persistence;
using Loyalty.Consent.Purposes;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Consents;

/// <summary>Adds grants and withdrawals to a member's history, and reads the current state from it.</summary>
internal sealed class ConsentRecording(ConsentDbContext db, IMemberIdentities members, CurrentActor actor, TimeProvider clock)
{
    /// <summary>Records a grant; one with an external id already recorded is that record (<c>Replayed</c>).</summary>
    public async Task<(ConsentRecord Record, bool Replayed)> GrantAsync(
        Purpose purpose, Guid memberId, string? channel, int textVersion, string locale, Withdrawal evidence, CancellationToken cancellationToken)
    {
        if (evidence.ExternalId is not null && await FindExternalAsync(purpose.ProgramId, evidence.ExternalId, cancellationToken) is { } existing)
        {
            return (existing, true);
        }

        var record = NewRecord(purpose, memberId, channel, granted: true, textVersion, locale, evidence);
        return await SaveAsync(record, cancellationToken);
    }

    /// <summary>Records a withdrawal of the member's consent in the member's program; nothing when nothing was granted.</summary>
    public async Task WithdrawAsync(Guid memberId, string purposeKey, string? channel, Withdrawal withdrawal, CancellationToken cancellationToken)
    {
        if (await members.FindAsync(memberId, cancellationToken) is not { } member
            || await db.Purposes.AsNoTracking().SingleOrDefaultAsync(p => p.ProgramId == member.ProgramId && p.Key == purposeKey, cancellationToken) is not { } purpose)
        {
            return;
        }

        await WithdrawAsync(purpose, memberId, channel, withdrawal, cancellationToken);
    }

    /// <summary>
    /// Records a withdrawal when the member's consent to the purpose counts on the channel (or, without a channel, on
    /// any): withdrawing twice records once.
    /// </summary>
    public async Task<ConsentRecord?> WithdrawAsync(Purpose purpose, Guid memberId, string? channel, Withdrawal withdrawal, CancellationToken cancellationToken)
    {
        if (withdrawal.ExternalId is not null && await FindExternalAsync(purpose.ProgramId, withdrawal.ExternalId, cancellationToken) is { } existing)
        {
            return existing;
        }

        var history = await db.ConsentRecords.AsNoTracking().Where(r => r.MemberId == memberId && r.PurposeId == purpose.Id).ToListAsync(cancellationToken);
        var channels = channel is null ? history.Select(r => r.Channel).Distinct().ToList() : [channel];
        if (!channels.Any(c => ConsentState.Latest(history, c)?.Granted == true))
        {
            return null;
        }

        return (await SaveAsync(NewRecord(purpose, memberId, channel, granted: false, null, null, withdrawal), cancellationToken)).Record;
    }

    public async Task<MemberConsentsDto> CurrentAsync(Guid programId, Guid memberId, CancellationToken cancellationToken)
    {
        var purposes = await db.Purposes.AsNoTracking().Where(p => p.ProgramId == programId).OrderBy(p => p.Key).ToListAsync(cancellationToken);
        var history = await db.ConsentRecords.AsNoTracking().Where(r => r.MemberId == memberId && r.ProgramId == programId).ToListAsync(cancellationToken);
        var marks = await db.ProcessingMarks.AsNoTracking().Where(m => m.MemberId == memberId && m.LiftedAt == null).Select(m => m.Kind).ToListAsync(cancellationToken);
        var marked = marks.Count > 0;
        var states = new List<ConsentStateDto>();
        foreach (var purpose in purposes)
        {
            var records = history.Where(r => r.PurposeId == purpose.Id).ToList();
            if (records.Count == 0)
            {
                states.Add(new ConsentStateDto(purpose.Key, null, "none", null, purpose.LatestVersion, false, false, null, null));
                continue;
            }

            foreach (var channel in records.Select(r => r.Channel).Distinct().Order(StringComparer.Ordinal))
            {
                var latest = ConsentState.Latest(records, channel)!;
                var counts = ConsentState.Counts(latest.Granted, latest.TextVersion, purpose.ValidFromVersion);
                states.Add(new ConsentStateDto(
                    purpose.Key, channel == ConsentRecord.AnyChannel ? null : channel, latest.Granted ? "granted" : "withdrawn", latest.TextVersion,
                    purpose.LatestVersion, counts && !marked, latest.Granted && !counts, latest.OccurredAt, Requests.RequestDto.Name(latest.Source)));
            }
        }

        return new MemberConsentsDto(memberId, marks.Contains(Restrictions.MarkKind.Objection), marks.Contains(Restrictions.MarkKind.Restriction), states);
    }

    public Task<ConsentRecord?> FindExternalAsync(Guid programId, string externalId, CancellationToken cancellationToken) =>
        db.ConsentRecords.AsNoTracking().SingleOrDefaultAsync(r => r.ProgramId == programId && r.ExternalId == externalId, cancellationToken);

    private ConsentRecord NewRecord(Purpose purpose, Guid memberId, string? channel, bool granted, int? textVersion, string? locale, Withdrawal evidence)
    {
        var now = clock.GetUtcNow();
        return new ConsentRecord
        {
            Id = Guid.CreateVersion7(now), ProgramId = purpose.ProgramId, MemberId = memberId, PurposeId = purpose.Id, PurposeKey = purpose.Key,
            Channel = channel ?? ConsentRecord.AnyChannel, Granted = granted, TextVersion = textVersion, Locale = locale,
            OccurredAt = evidence.OccurredAt ?? now, RecordedAt = now, Source = evidence.Source, IpAddress = evidence.IpAddress, FormId = evidence.FormId,
            ExternalId = evidence.ExternalId, RecordedBy = actor.Name,
        };
    }

    private async Task<(ConsentRecord Record, bool Replayed)> SaveAsync(ConsentRecord record, CancellationToken cancellationToken)
    {
        db.ConsentRecords.Add(record);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return (record, false);
        }
        catch (DbUpdateException) when (record.ExternalId is not null)
        {
            // A concurrent request with the same external id recorded it first.
            db.ChangeTracker.Clear();
            return (await FindExternalAsync(record.ProgramId, record.ExternalId, cancellationToken) ?? throw new InvalidOperationException("The consent record could not be saved."), true);
        }
    }
}
