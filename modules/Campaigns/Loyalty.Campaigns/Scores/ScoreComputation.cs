using System.Text.Json;
using Loyalty.Campaigns.Contracts;
using Loyalty.Campaigns.Persistence;
using Loyalty.Campaigns.Sends;
using Loyalty.Consent.Contracts;
using Loyalty.Members.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.Campaigns.Scores;

/// <summary>
/// Computes one program's scores. A run first reads the program's purchase history (through Members'
/// <see cref="IPurchaseHistory"/>, in pages) to train the churn model and find the RFM quintile boundaries, and stores
/// them; then it scores the active members in batches of <see cref="BatchSize"/>, each batch's scores, its progress and
/// the churn-risk triggers it fires in one transaction. A node that stops leaves the run claimed until its claim runs
/// out; the next node takes it over at the batch after the last one written. The last step removes the scores the run
/// did not write (members no longer active or excluded).
/// </summary>
internal sealed partial class ScoreComputation(
    CampaignsDbContext db, ILoyaltyPrograms programs, IPurchaseHistory history, IConsentGate consent, CampaignTriggers triggers,
    IOptions<ScoreOptions> options, TimeProvider clock, ILogger<ScoreComputation> logger)
{
    public const int BatchSize = 500;

    private const int HistoryPage = 1_000;

    /// <summary>A program's scores are computed again once its last run started this long ago (the job runs daily).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(20);

    /// <summary>A node holds a run this long past its last write; a run left longer is taken over.</summary>
    public static readonly TimeSpan Claim = TimeSpan.FromMinutes(10);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly CampaignTrigger[] ChurnTriggers = [CampaignTrigger.ChurnRisk];

    private readonly string _node = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Runs (or takes over) the computation of the program when it is due; false when it was not due or another node has it.</summary>
    public async Task<bool> RunAsync(string program, CancellationToken cancellationToken)
    {
        var found = await programs.FindAsync(program, cancellationToken);
        if (found is null || await ClaimAsync(program, cancellationToken) is not { } run)
        {
            return false;
        }

        try
        {
            if (run.State == ScoreRunState.Training)
            {
                run = await TrainAsync(run, found.Id, cancellationToken);
            }

            while (await ScoreBatchAsync(program, found, cancellationToken))
            {
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another node took the run over (this one was too slow to keep its claim): it goes on from the last batch written.
            db.ChangeTracker.Clear();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            db.ChangeTracker.Clear();
            LogFailed(logger, program, e.GetType().Name);
            var failed = await db.ScoreRuns.SingleAsync(r => r.Program == program, CancellationToken.None);
            if (failed.LockedBy == _node)
            {
                failed.State = ScoreRunState.Failed;
                failed.FailureReason = Truncate($"{e.GetType().Name}: {e.Message}");
                failed.CompletedAt = clock.GetUtcNow();
                failed.LockedUntil = null;
                failed.Version++;
                await db.SaveChangesAsync(CancellationToken.None);
            }
        }

        return true;
    }

    private async Task<ScoreRun?> ClaimAsync(string program, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var run = await db.ScoreRuns.SingleOrDefaultAsync(r => r.Program == program, cancellationToken);
        if (run is null)
        {
            run = new ScoreRun { Program = program, State = ScoreRunState.Training };
            db.ScoreRuns.Add(run);
        }
        else if (run.State is ScoreRunState.Training or ScoreRunState.Scoring)
        {
            if (run.LockedUntil > now)
            {
                return null;
            }

            // Taken over: training starts again, scoring goes on after the last batch written.
            run.LockedBy = _node;
            run.LockedUntil = now + Claim;
            run.Version++;
            return await SaveClaimAsync(run, cancellationToken);
        }
        else if (run.StartedAt > now - Interval)
        {
            return null;
        }

        run.State = ScoreRunState.Training;
        run.RunId = Guid.CreateVersion7(now);
        run.StartedAt = now;
        run.CompletedAt = null;
        run.Cursor = null;
        run.Scored = run.Excluded = run.Removed = 0;
        run.FailureReason = null;
        run.LockedBy = _node;
        run.LockedUntil = now + Claim;
        run.Version++;
        return await SaveClaimAsync(run, cancellationToken);
    }

    private async Task<ScoreRun?> SaveClaimAsync(ScoreRun run, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return run;
        }
        catch (DbUpdateException)
        {
            // Another node claimed it first (a concurrent first run, or the same version moved on).
            db.ChangeTracker.Clear();
            return null;
        }
    }

    private async Task<ScoreRun> TrainAsync(ScoreRun run, Guid programId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var trainingCutOff = ScoreMethod.TrainingCutOff(now);
        var validationCutOff = ScoreMethod.ValidationCutOff(now);
        // Members who objected to profiling or are restricted are not profiled at all: not scored, not learnt from.
        var excluded = await consent.ExcludedFromAsync(programId, ProcessingUse.Profiling, cancellationToken);
        var training = new List<Example>();
        var validation = new List<Example>();
        List<long> recency = [], frequency = [], monetary = [];
        var extended = now;
        for (Guid? after = null; ;)
        {
            var page = await history.OfActiveMembersAsync(programId, after, HistoryPage, now - ScoreMethod.History, cancellationToken);
            foreach (var purchases in page.Where(m => !excluded.Contains(m.MemberId)))
            {
                var member = new MemberHistory(purchases.MemberId, purchases.EnrolledAt, purchases.Purchases);
                if (ChurnModel.FeaturesAt(member, trainingCutOff) is { } atTraining)
                {
                    training.Add(new Example(atTraining, member.LapsedAfter(trainingCutOff)));
                }

                if (ChurnModel.FeaturesAt(member, validationCutOff) is { } atValidation)
                {
                    validation.Add(new Example(atValidation, member.LapsedAfter(validationCutOff)));
                }

                if (ScoreMethod.RfmValues(member, now) is { } rfm)
                {
                    recency.Add(rfm.Recency);
                    frequency.Add(rfm.Frequency);
                    monetary.Add(rfm.Monetary);
                }
            }

            if (page.Count < HistoryPage)
            {
                break;
            }

            after = page[^1].MemberId;
            if (clock.GetUtcNow() - extended > Claim / 4)
            {
                extended = clock.GetUtcNow();
                run.LockedUntil = extended + Claim;
                run.Version++;
                await db.SaveChangesAsync(cancellationToken);
            }
        }

        var fitted = ScoreMethod.Fit(training, validation, options.Value);
        run.ModelKind = fitted.Model.Kind;
        run.Reason = fitted.Reason;
        run.Features = JsonSerializer.Serialize(fitted.Model.Features, Json);
        run.Intercept = fitted.Model.Intercept;
        run.Boundaries = JsonSerializer.Serialize(
            new RfmBoundaries(ScoreMethod.Boundaries(recency), ScoreMethod.Boundaries(frequency), ScoreMethod.Boundaries(monetary)), Json);
        run.TrainedAt = now;
        run.TrainingCutOff = trainingCutOff;
        run.ValidationCutOff = validationCutOff;
        run.Auc = fitted.Auc;
        run.TrainingMembers = fitted.TrainingMembers;
        run.TrainingLapsed = fitted.TrainingLapsed;
        run.ValidationMembers = fitted.ValidationMembers;
        run.ValidationLapsed = fitted.ValidationLapsed;
        run.State = ScoreRunState.Scoring;
        run.Cursor = null;
        run.LockedUntil = clock.GetUtcNow() + Claim;
        run.Version++;
        await db.SaveChangesAsync(cancellationToken);
        LogTrained(logger, run.Program, fitted.Model.Kind, fitted.Auc, fitted.TrainingMembers, fitted.ValidationMembers);
        return run;
    }

    /// <summary>Scores the next batch; false when the run is done.</summary>
    private async Task<bool> ScoreBatchAsync(string program, LoyaltyProgramDto found, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var run = await db.ScoreRuns.SingleAsync(r => r.Program == program, cancellationToken);
        if (run.LockedBy != _node || run.State != ScoreRunState.Scoring)
        {
            return false;
        }

        var at = run.TrainedAt!.Value;
        var model = new ChurnModel(run.ModelKind!, JsonSerializer.Deserialize<List<ChurnFeature>>(run.Features!, Json)!, run.Intercept);
        var boundaries = JsonSerializer.Deserialize<RfmBoundaries>(run.Boundaries!, Json)!;
        var page = await history.OfActiveMembersAsync(found.Id, run.Cursor, BatchSize, at - ScoreMethod.History, cancellationToken);
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (page.Count == 0)
        {
            // Every active member was read: what this run did not write belongs to members gone, inactive or excluded.
            run.Removed = await db.MemberScores.Where(s => s.Program == program && s.RunId != run.RunId).ExecuteDeleteAsync(cancellationToken);
            run.State = ScoreRunState.Done;
            run.CompletedAt = now;
            run.LockedUntil = null;
            run.Version++;
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            LogDone(logger, program, run.Scored, run.Excluded, run.Removed);
            return false;
        }

        // Asked at the moment of scoring, for every batch: an objection made during the run takes effect at once.
        var excluded = await consent.ExcludedFromAsync(found.Id, ProcessingUse.Profiling, cancellationToken);
        var ids = page.Select(m => m.MemberId).ToList();
        var existing = await db.MemberScores.Where(s => s.Program == program && ids.Contains(s.MemberId)).ToDictionaryAsync(s => s.MemberId, cancellationToken);
        var campaigns = await triggers.ActiveAsync(program, ChurnTriggers, cancellationToken);
        var crossings = new List<(Campaign Campaign, Guid MemberId)>();
        foreach (var purchases in page)
        {
            existing.TryGetValue(purchases.MemberId, out var score);
            if (excluded.Contains(purchases.MemberId))
            {
                if (score is not null)
                {
                    db.MemberScores.Remove(score);
                }

                run.Excluded++;
                continue;
            }

            var member = new MemberHistory(purchases.MemberId, purchases.EnrolledAt, purchases.Purchases);
            var probability = model.Probability(ChurnModel.FeaturesAt(member, at) ?? ChurnModel.FeaturesAt(member, member.JoinedAt)!);
            var risk = ChurnModel.Risk(probability);
            var rfm = ScoreMethod.RfmValues(member, at);
            var previousRisk = score?.ChurnRisk;
            if (score is null)
            {
                score = new MemberScore { Program = program, MemberId = member.MemberId, Currency = found.Currency };
                db.MemberScores.Add(score);
            }

            score.Recency = rfm is null ? 1 : ScoreMethod.Quintile(rfm.Value.Recency, boundaries.Recency);
            score.Frequency = rfm is null ? 1 : ScoreMethod.Quintile(rfm.Value.Frequency, boundaries.Frequency);
            score.Monetary = rfm is null ? 1 : ScoreMethod.Quintile(rfm.Value.Monetary, boundaries.Monetary);
            score.ChurnRisk = risk;
            score.LifetimeValueMinor = ScoreMethod.LifetimeValue(rfm?.Monetary ?? 0, probability);
            score.Currency = found.Currency;
            score.RunId = run.RunId;
            score.ComputedAt = now;
            run.Scored++;
            // A crossing: below the campaign's threshold before (or not scored), at or above it now.
            crossings.AddRange(campaigns
                .Where(c => c.TriggerThreshold is { } threshold && risk >= threshold && (previousRisk is null || previousRisk < threshold))
                .Select(c => (c, member.MemberId)));
        }

        run.Cursor = page[^1].MemberId;
        run.LockedUntil = now + Claim;
        run.Version++;
        await db.SaveChangesAsync(cancellationToken);
        // In the batch's transaction: a batch written again after a takeover fires the same occurrence, which is queued once.
        foreach (var (campaign, memberId) in crossings)
        {
            await triggers.FireAsync([campaign], memberId, $"churn-risk:{run.RunId:N}", cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static string Truncate(string reason) => reason.Length <= 1000 ? reason : reason[..1000];

    [LoggerMessage(Level = LogLevel.Information, Message = "Trained the churn model of program {Program}: {Kind}, AUC {Auc}, {Training} training and {Validation} validation members")]
    private static partial void LogTrained(ILogger logger, string program, string kind, double? auc, int training, int validation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scored program {Program}: {Scored} members scored, {Excluded} excluded from profiling, {Removed} scores removed")]
    private static partial void LogDone(ILogger logger, string program, int scored, int excluded, int removed);

    [LoggerMessage(Level = LogLevel.Error, Message = "The scores of program {Program} failed ({ExceptionType})")]
    private static partial void LogFailed(ILogger logger, string program, string exceptionType);
}

/// <summary>The RFM quintile boundaries of a run (see <see cref="ScoreMethod.Boundaries"/>).</summary>
internal sealed record RfmBoundaries(long[] Recency, long[] Frequency, long[] Monetary);
