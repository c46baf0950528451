using Loyalty.Campaigns.Persistence;
using Loyalty.Consent.Contracts;
using Loyalty.Feedback.Contracts;
using Loyalty.Members.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Loyalty.Campaigns.Segments;

/// <summary>
/// Materialises segments: reads who belongs now (a rule segment from Members, in keyset pages of ids answered by the
/// database; a static segment from its list), less those the consent gate excludes from marketing, and compares it
/// with the stored membership. Entries are written page by page, each page with its progress in one transaction;
/// exits are written once every page was read. An evaluation cut short (a crash, a restart) is simply run again:
/// who is already in stays with their original entry, so no history is written twice.
/// </summary>
internal sealed partial class SegmentEvaluator(
    CampaignsDbContext db, IMemberSelection selection, IConsentGate consent, ISurveyParticipation surveys, TimeProvider clock, ILogger<SegmentEvaluator> logger)
{
    public const int PageSize = 5_000;

    /// <summary>How often every segment is evaluated again, to follow members' changes and consent.</summary>
    public static readonly TimeSpan Refresh = TimeSpan.FromDays(1);

    /// <summary>A run that has not finished after this long was cut short and is taken over.</summary>
    public static readonly TimeSpan StaleRun = TimeSpan.FromMinutes(30);

    /// <summary>Evaluates the segment due first; false when none is due.</summary>
    public async Task<bool> EvaluateNextAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var staleBefore = now - StaleRun;
        var refreshBefore = now - Refresh;
        var due = await db.Segments.AsNoTracking()
            .Where(s => s.State == EvaluationState.Queued
                || (s.State == EvaluationState.Running && s.StartedAt < staleBefore)
                || (s.State != EvaluationState.Running && s.EvaluatedAt < refreshBefore))
            .OrderBy(s => s.QueuedAt)
            .Select(s => new { s.Id, s.Version, s.State, s.StartedAt })
            .FirstOrDefaultAsync(cancellationToken);
        if (due is null)
        {
            return false;
        }

        // The claim: only one runner moves the segment from the state it read to running.
        var claimed = await db.Segments
            .Where(s => s.Id == due.Id && s.Version == due.Version && s.State == due.State && s.StartedAt == due.StartedAt)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.State, EvaluationState.Running)
                .SetProperty(x => x.StartedAt, now)
                .SetProperty(x => x.Processed, 0)
                .SetProperty(x => x.FailureReason, (string?)null), cancellationToken);
        if (claimed == 0)
        {
            return true;
        }

        try
        {
            await EvaluateAsync(due.Id, due.Version, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            db.ChangeTracker.Clear();
            LogFailed(due.Id, e.GetType().Name);
            await db.Segments.Where(s => s.Id == due.Id && s.Version == due.Version)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.State, EvaluationState.Failed)
                    .SetProperty(x => x.EvaluatedAt, clock.GetUtcNow())
                    .SetProperty(x => x.FailureReason, Truncate($"{e.GetType().Name}: {e.Message}")),
                    CancellationToken.None);
        }

        return true;
    }

    private async Task EvaluateAsync(Guid segmentId, int version, CancellationToken cancellationToken)
    {
        var segment = await db.Segments.AsNoTracking().SingleAsync(s => s.Id == segmentId, cancellationToken);
        var programId = await selection.ProgramIdAsync(segment.Program, cancellationToken)
            ?? throw new InvalidOperationException($"There is no program '{segment.Program}'.");
        IReadOnlyCollection<Guid> excluded = segment.Marketing
            ? await consent.ExcludedFromAsync(programId, ProcessingUse.Marketing, cancellationToken)
            : [];
        var (total, page) = await SourceAsync(segment, excluded, cancellationToken);
        // Conditions on scores and engagement narrow each page Members answers; the total and progress count the pages read.
        var scores = segment.Kind == SegmentKind.Rule ? segment.ParseScores() : null;
        var engagement = segment.Kind == SegmentKind.Rule ? segment.ParseEngagement() : null;
        await db.Segments.Where(s => s.Id == segmentId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Total, total), cancellationToken);

        var current = (await db.SegmentMembers.AsNoTracking().Where(m => m.SegmentId == segmentId).Select(m => m.MemberId).ToListAsync(cancellationToken))
            .ToHashSet();
        int processed = 0, entered = 0;
        Guid? after = null;
        while (true)
        {
            var ids = await page(after);
            if (ids.Count == 0)
            {
                break;
            }

            var now = clock.GetUtcNow();
            var belonging = scores is null ? ids : await scores.FilterAsync(db, segment.Program, ids, cancellationToken);
            if (engagement is not null && belonging.Count > 0)
            {
                belonging = await engagement.FilterAsync(db, surveys, segment.Program, belonging, now, cancellationToken);
            }

            var newcomers = belonging.Where(id => !current.Remove(id)).ToList();
            processed += ids.Count;
            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                db.SegmentMembers.AddRange(newcomers.Select(id => new SegmentMember { SegmentId = segmentId, MemberId = id, Since = now }));
                db.SegmentChanges.AddRange(newcomers.Select(id => new SegmentChange { Id = Guid.CreateVersion7(now), SegmentId = segmentId, MemberId = id, Entered = true, At = now }));
                await db.SaveChangesAsync(cancellationToken);
                await db.Segments.Where(s => s.Id == segmentId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Processed, processed), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            db.ChangeTracker.Clear();
            entered += newcomers.Count;
            if (ids.Count < PageSize)
            {
                break;
            }

            after = ids[^1];
        }

        foreach (var chunk in current.Chunk(1_000))
        {
            var now = clock.GetUtcNow();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.SegmentMembers.Where(m => m.SegmentId == segmentId && chunk.Contains(m.MemberId)).ExecuteDeleteAsync(cancellationToken);
            db.SegmentChanges.AddRange(chunk.Select(id => new SegmentChange { Id = Guid.CreateVersion7(now), SegmentId = segmentId, MemberId = id, Entered = false, At = now }));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        var count = await db.SegmentMembers.CountAsync(m => m.SegmentId == segmentId, cancellationToken);
        var left = current.Count;
        var finishedAt = clock.GetUtcNow();
        // A definition changed meanwhile leaves the segment queued: the next run evaluates the new one.
        await db.Segments.Where(s => s.Id == segmentId && s.Version == version)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.State, EvaluationState.Done)
                .SetProperty(x => x.EvaluatedAt, finishedAt), cancellationToken);
        await db.Segments.Where(s => s.Id == segmentId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.MemberCount, count)
                .SetProperty(x => x.Entered, entered)
                .SetProperty(x => x.Left, left), cancellationToken);
        LogEvaluated(segmentId, count, entered, left);
    }

    private async Task<(int Total, Func<Guid?, Task<IReadOnlyList<Guid>>> Page)> SourceAsync(
        Segment segment, IReadOnlyCollection<Guid> excluded, CancellationToken cancellationToken)
    {
        if (segment.Kind == SegmentKind.Rule)
        {
            var query = new MemberSelectionQuery(segment.Program, segment.ParseConditions()!, excluded);
            return (await selection.CountAsync(query, cancellationToken), after => selection.MemberIdsAsync(query, after, PageSize, cancellationToken));
        }

        var left = excluded.ToArray();
        var list = db.SegmentListEntries.AsNoTracking().Where(e => e.SegmentId == segment.Id && !left.Contains(e.MemberId));
        return (await list.CountAsync(cancellationToken), async after =>
            await (after is { } last ? list.Where(e => e.MemberId.CompareTo(last) > 0) : list)
                .OrderBy(e => e.MemberId).Select(e => e.MemberId).Take(PageSize).ToListAsync(cancellationToken));
    }

    private static string Truncate(string reason) => reason.Length <= 1000 ? reason : reason[..1000];

    [LoggerMessage(Level = LogLevel.Information, Message = "Evaluated segment {SegmentId}: {Members} members, {Entered} entered, {Left} left")]
    private partial void LogEvaluated(Guid segmentId, int members, int entered, int left);

    [LoggerMessage(Level = LogLevel.Error, Message = "The evaluation of segment {SegmentId} failed ({ExceptionType})")]
    private partial void LogFailed(Guid segmentId, string exceptionType);
}
