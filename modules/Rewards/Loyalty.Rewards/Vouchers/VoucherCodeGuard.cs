using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.Rewards.Vouchers;

/// <summary>Voucher settings, section <c>Modules:Rewards:Vouchers</c>.</summary>
internal sealed class VoucherOptions
{
    public const string Section = "Modules:Rewards:Vouchers";

    /// <summary>Unknown codes one client may send per <see cref="InvalidCodeWindow"/> before its look-ups are refused (429).</summary>
    public int InvalidCodesPerWindow { get; set; } = 10;

    public TimeSpan InvalidCodeWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Codes of a batch generated and committed together: the work a stopped run can lose.</summary>
    public int BatchChunkSize { get; set; } = 10_000;
}

/// <summary>
/// Slows down guessing of voucher codes: each client (API key, user or address) has a budget of unknown codes per
/// window, kept by a partitioned fixed-window rate limiter in memory on each node. While the budget is spent, every
/// look-up of that client is refused, valid codes included. Logs name the client, never the code.
/// </summary>
internal sealed class VoucherCodeGuard(IOptions<VoucherOptions> options, ILogger<VoucherCodeGuard> logger) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _invalidCodes = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.InvalidCodesPerWindow,
            Window = options.Value.InvalidCodeWindow,
            QueueLimit = 0,
        }));

    /// <summary>Null while the client may look codes up; otherwise how long it has to wait.</summary>
    public TimeSpan? Blocked(string client)
    {
        // Zero permits asks whether any are left without taking one.
        using var lease = _invalidCodes.AttemptAcquire(client, 0);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : options.Value.InvalidCodeWindow;
    }

    public void RecordUnknownCode(string client)
    {
        using var lease = _invalidCodes.AttemptAcquire(client);
        if (lease.IsAcquired)
        {
            logger.LogInformation("Unknown voucher code from {Client}", client);
        }
        else
        {
            logger.LogWarning("Voucher look-ups of {Client} are refused: more than {Limit} unknown codes in {Window}", client, options.Value.InvalidCodesPerWindow, options.Value.InvalidCodeWindow);
        }
    }

    public void Dispose() => _invalidCodes.Dispose();
}
