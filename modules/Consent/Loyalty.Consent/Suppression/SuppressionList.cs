using System.Security.Cryptography;
using System.Text;
using Loyalty.Consent.Contracts;
using Loyalty.Consent.Persistence;
using Loyalty.Members.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Loyalty.Consent.Suppression;

/// <summary>
/// Keyed hashes (HMAC-SHA256 with <c>Modules:Consent:SuppressionSecret</c>) of an erased person's identifiers, by
/// program: the email in lower case, the phone as its digits, external ids and cards as given. Without the secret,
/// a hash cannot be tested against guessed emails, so the list itself reveals nobody.
/// </summary>
internal sealed class SuppressionList(ConsentDbContext db, IOptions<ConsentOptions> options, TimeProvider clock) : ISuppressionList
{
    public const int MinimumSecretLength = 32;

    public async Task<string?> FindSuppressedAsync(SuppressionCheck identifiers, CancellationToken cancellationToken)
    {
        if (options.Value.SuppressionSecret is not { Length: >= MinimumSecretLength })
        {
            // Nothing can have been added without the secret: erasure refuses to start without it.
            return null;
        }

        var hashes = Hashes(identifiers.Email, identifiers.Phone, identifiers.ExternalIds);
        var values = hashes.Select(h => h.Hash).ToList();
        var found = await db.SuppressionEntries.AsNoTracking()
            .Where(e => e.ProgramId == identifiers.ProgramId && values.Contains(e.Hash))
            .Select(e => e.Hash)
            .ToListAsync(cancellationToken);
        return hashes.FirstOrDefault(h => found.Contains(h.Hash)).Kind;
    }

    /// <summary>Adds the member's identifiers; those already on the list are left as they are. Commits with the caller's save.</summary>
    public async Task AddAsync(MemberIdentity identity, Guid requestId, CancellationToken cancellationToken)
    {
        var hashes = Hashes(identity.Email, identity.Phone, identity.ExternalIds).Select(h => h.Hash).Distinct().ToList();
        var known = await db.SuppressionEntries.Where(e => e.ProgramId == identity.ProgramId && hashes.Contains(e.Hash)).Select(e => e.Hash).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var hash in hashes.Except(known))
        {
            db.SuppressionEntries.Add(new SuppressionEntry { Id = Guid.CreateVersion7(now), ProgramId = identity.ProgramId, Hash = hash, RequestId = requestId, AddedAt = now });
        }
    }

    private List<(string Kind, string Hash)> Hashes(string? email, string? phone, IEnumerable<string> externalIds)
    {
        var key = Encoding.UTF8.GetBytes(options.Value.SuppressionSecret
            ?? throw new InvalidOperationException($"Set {ConsentOptions.Section}:SuppressionSecret before erasing members."));
        var hashes = new List<(string Kind, string Hash)>();
        void Add(string kind, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                hashes.Add((kind, Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{kind}:{value}")))));
            }
        }

        Add("email", email?.Trim().ToLowerInvariant());
        Add("phone", phone is null ? null : new string([.. phone.Where(char.IsAsciiDigit)]));
        foreach (var id in externalIds)
        {
            Add("externalId", id.Trim());
        }

        return hashes;
    }
}
