namespace Loyalty.Consent.Contracts;

/// <summary>
/// A category of personal data a module keeps only for a while (GDPR Art. 5(1)(e), storage limitation). Every module
/// that keeps such data registers its categories (<c>services.AddScoped&lt;IRetentionCategory, …&gt;()</c>); the
/// Consent module holds the period the data protection officer set for each, reports what is due, and applies them
/// daily in batches.
/// </summary>
public interface IRetentionCategory
{
    /// <summary>Unique and stable, prefixed by the module (<c>campaigns.delivery-logs</c>): the key of the policy.</summary>
    string Key { get; }

    /// <summary>The module's name, as in its schema; the record of processing activities lists the category under it.</summary>
    string Module { get; }

    /// <summary>What the category holds, as the data protection officer reads it.</summary>
    string Name { get; }

    /// <summary>What happens to data past its period, and from when the period counts.</summary>
    string Description { get; }

    /// <summary>The period until the data protection officer sets another.</summary>
    int DefaultPeriodDays { get; }

    /// <summary>How many items are due: older than <paramref name="cutoff"/> by this category's measure. Changes nothing.</summary>
    Task<int> CountDueAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>
    /// Applies the policy to at most <paramref name="batchSize"/> due items. Idempotent: items applied drop out of what
    /// is due, so a run that stops is resumed by the next one.
    /// </summary>
    Task<RetentionBatch> ApplyBatchAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken);
}

/// <param name="Selected">Due items the batch took up.</param>
/// <param name="Applied">Of those, the ones deleted or anonymised; the rest failed and stay due.</param>
public sealed record RetentionBatch(int Selected, int Applied);

/// <summary>
/// Anonymises a member through the erasure path of data subject requests (every module, every recipient), on the
/// basis of a retention policy instead of the member's request. Used by the Members module's inactive-members category.
/// </summary>
public interface IRetentionErasure
{
    /// <summary>Erases the member; true when every module and recipient is done. A failed one is retried with the request.</summary>
    Task<bool> EraseAsync(Guid memberId, string categoryKey, CancellationToken cancellationToken);
}
