using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Loyalty.Shared.Persistence;

/// <summary>
/// Lets the write transactions of this process on one SQLite file take turns in the order they asked, waiting
/// asynchronously. SQLite has one write lock per file and Microsoft.Data.Sqlite begins transactions with
/// <c>BEGIN IMMEDIATE</c>, so they take turns anyway; without the gate the losers sleep in SQLite's busy handler
/// (steps of up to 100 ms, whoever wakes first wins), which gave redemptions and accruals p99s of hundreds of ms.
/// A transaction waits at most <see cref="BusyTimeout"/> for its turn, then asks SQLite as before.
/// </summary>
internal sealed class SqliteWriteGate : DbTransactionInterceptor, IDbConnectionInterceptor
{
    /// <summary>As long as SQLite's own wait (<c>PRAGMA busy_timeout</c>, <see cref="SqliteBusyTimeout"/>).</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    public static readonly SqliteWriteGate Instance = new();

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Files = new(StringComparer.Ordinal);

    /// <summary>The turn a context's connection holds, given back when its transaction ends or, failing that, when it closes.</summary>
    private static readonly ConcurrentDictionary<Guid, SemaphoreSlim> Held = new();

    public override InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        var file = FileOf(connection);
        if (file.Wait(BusyTimeout))
        {
            Hold(eventData.ConnectionId, file);
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        var file = FileOf(connection);
        if (await file.WaitAsync(BusyTimeout, cancellationToken))
        {
            Hold(eventData.ConnectionId, file);
        }

        return result;
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => GiveBack(eventData.ConnectionId);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        GiveBack(eventData.ConnectionId);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => GiveBack(eventData.ConnectionId);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        GiveBack(eventData.ConnectionId);
        return Task.CompletedTask;
    }

    public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => GiveBack(eventData.ConnectionId);

    public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        GiveBack(eventData.ConnectionId);
        return Task.CompletedTask;
    }

    // A transaction disposed without a commit or a rollback (an exception inside its using block) reports neither; its
    // connection closes when the context lets it go.
    InterceptionResult IDbConnectionInterceptor.ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        GiveBack(eventData.ConnectionId);
        return result;
    }

    ValueTask<InterceptionResult> IDbConnectionInterceptor.ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        GiveBack(eventData.ConnectionId);
        return ValueTask.FromResult(result);
    }

    private static SemaphoreSlim FileOf(DbConnection connection) => Files.GetOrAdd(connection.DataSource, _ => new SemaphoreSlim(1, 1));

    private static void Hold(Guid connectionId, SemaphoreSlim file)
    {
        if (!Held.TryAdd(connectionId, file))
        {
            file.Release();
        }
    }

    private static void GiveBack(Guid connectionId)
    {
        if (Held.TryRemove(connectionId, out var file))
        {
            file.Release();
        }
    }
}
