namespace Loyalty.Shared.Http;

/// <summary>The <c>Idempotency</c> configuration section.</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "Idempotency";

    /// <summary>How long a key is remembered; a repeat after that runs the request again. Purged nightly.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// A request still in progress after this long was lost with its node, and a repeat may take its key over.
    /// Longer than any request takes, since a live request taken over would run twice.
    /// </summary>
    public TimeSpan InProgressTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
