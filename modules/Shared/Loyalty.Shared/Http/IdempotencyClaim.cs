using Loyalty.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Loyalty.Shared.Http;

/// <summary>When an endpoint's <c>Idempotency-Key</c> is claimed.</summary>
public enum IdempotencyClaimMode
{
    /// <summary>In a transaction of its own before the endpoint runs: a concurrent repeat waits with 409 and never runs.</summary>
    BeforeEndpoint,

    /// <summary>
    /// With the endpoint's first save of its module's context, in the same transaction: one commit fewer on a hot path.
    /// A concurrent repeat runs up to its save, which the key's primary key refuses; it then answers what the first
    /// request answered (or 409 while that is in progress). Only for endpoints whose writes are saves of their own
    /// module's context without an explicit transaction, and whose work before the first save is a read or is
    /// idempotent on its own (as the transactions endpoint's is, on the purchase's external id).
    /// </summary>
    WithFirstSave,
}

/// <summary>
/// A key claimed <see cref="IdempotencyClaimMode.WithFirstSave"/>: the record waiting to be inserted by the request's
/// first save of <see cref="ContextType"/>. Flows with the request's async context, so the interceptor, a singleton
/// shared by every pooled context, finds the claim of the request that is saving.
/// </summary>
internal sealed class PendingIdempotencyClaim(Type contextType, Func<IdempotencyRecord> newRecord)
{
    private static readonly AsyncLocal<PendingIdempotencyClaim?> CurrentClaim = new();

    public static PendingIdempotencyClaim? Current
    {
        get => CurrentClaim.Value;
        set => CurrentClaim.Value = value;
    }

    public Type ContextType { get; } = contextType;

    /// <summary>A save of the request carried the claim: the key is this request's.</summary>
    public bool Saved { get; set; }

    public IdempotencyRecord NewRecord() => newRecord();
}

/// <summary>Adds a pending claim to the first save of the claiming module's context, and notes when that save succeeded.</summary>
internal sealed class IdempotencyClaimInterceptor : SaveChangesInterceptor
{
    public static readonly IdempotencyClaimInterceptor Instance = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        AddClaim(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        AddClaim(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        NoteSaved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        NoteSaved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void AddClaim(DbContext? context)
    {
        if (ClaimFor(context) is { } claim && context is ModuleDbContext db
            && !db.ChangeTracker.Entries<IdempotencyRecord>().Any(e => e.State == EntityState.Added))
        {
            // Added afresh on every try: a caller that retries a failed save after clearing its context still carries it.
            db.IdempotencyRecords.Add(claim.NewRecord());
        }
    }

    private static void NoteSaved(DbContext? context)
    {
        if (ClaimFor(context) is { } claim)
        {
            claim.Saved = true;
        }
    }

    private static PendingIdempotencyClaim? ClaimFor(DbContext? context) =>
        PendingIdempotencyClaim.Current is { Saved: false } claim && claim.ContextType.IsInstanceOfType(context) ? claim : null;
}
