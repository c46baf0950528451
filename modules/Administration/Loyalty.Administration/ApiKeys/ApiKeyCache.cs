using System.Collections.Concurrent;

namespace Loyalty.Administration.ApiKeys;

/// <summary>
/// Keys this node has read recently, so a busy client's requests are not each a database read. An entry is trusted
/// for <see cref="Lifetime"/>: a key revoked on this node is dropped at once, one revoked on another node stops
/// working here within that time (docs/adr/0004-authentication.md). Only keys that exist are kept.
/// </summary>
internal sealed class ApiKeyCache(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (ApiKey Key, DateTimeOffset ReadAt)> _keys = new(StringComparer.Ordinal);

    /// <summary>The key as read less than <see cref="Lifetime"/> ago; treat it as read-only.</summary>
    public ApiKey? Find(string lookupId) =>
        _keys.TryGetValue(lookupId, out var entry) && clock.GetUtcNow() - entry.ReadAt < Lifetime ? entry.Key : null;

    public void Keep(ApiKey key) => _keys[key.LookupId] = (key, clock.GetUtcNow());

    public void Forget(string lookupId) => _keys.TryRemove(lookupId, out _);
}
