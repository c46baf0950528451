using Loyalty.Members.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.Members.Import;

/// <summary>
/// Runs uploaded imports in the background, one at a time per node. It starts at once when an upload is queued,
/// and looks every <see cref="ImportOptions.PollInterval"/> (and at start) for queued jobs and for running jobs whose
/// runner died, so an import interrupted by a restart resumes from its checkpoint once its lease ran out. A completed
/// upload's file is deleted.
/// </summary>
internal sealed class ImportRunner(IServiceScopeFactory scopes, ImportStorage storage, IOptions<ImportOptions> options, TimeProvider clock, ILogger<ImportRunner> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0);
    private readonly string _runner = ImportEngine.NewRunnerId();

    /// <summary>Tells the runner a job was queued.</summary>
    public void Wake() => _wake.Release();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RunNextAsync(stoppingToken))
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop must survive a database outage and try again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                logger.LogError("Import round failed with {ExceptionType}; trying again after the poll interval", ex.GetType().Name);
            }

            using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            poll.CancelAfter(options.Value.PollInterval);
            try
            {
                await _wake.WaitAsync(poll.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> RunNextAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MembersDbContext>();
        var now = clock.GetUtcNow();
        var candidates = await db.ImportJobs.AsNoTracking()
            .Where(j => j.Status == ImportStatus.Queued || (j.Status == ImportStatus.Running && (j.LockedUntil == null || j.LockedUntil < now)))
            .OrderBy(j => j.Id)
            .Select(j => j.Id)
            .Take(10)
            .ToListAsync(stoppingToken);
        var engine = scope.ServiceProvider.GetRequiredService<ImportEngine>();
        foreach (var id in candidates)
        {
            if (await engine.TryClaimAsync(id, _runner, stoppingToken))
            {
                var job = await engine.RunAsync(id, _runner, _ => { }, stoppingToken);
                if (job.Status == ImportStatus.Completed && Path.GetDirectoryName(job.FilePath) == storage.Directory)
                {
                    // The upload's copy is no longer needed; a repeat of the same file is answered from the job.
                    File.Delete(job.FilePath);
                }

                return true;
            }
        }

        return false;
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
