using Microsoft.EntityFrameworkCore;

namespace Loyalty.Shared.Persistence;

/// <summary>
/// Runs an operation that loads, decides and saves, again from scratch when another writer changed the same rows
/// first (an optimistic concurrency conflict). The operation must load everything it decides on inside itself.
/// </summary>
public static class ConcurrencyRetry
{
    public const int MaxAttempts = 8;

    public static async Task<T> RunAsync<T>(DbContext db, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await operation(cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                db.ChangeTracker.Clear();
                // A short, growing, jittered pause lets the winner's transaction finish before this one re-reads.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * attempt)), cancellationToken);
            }
        }
    }
}
