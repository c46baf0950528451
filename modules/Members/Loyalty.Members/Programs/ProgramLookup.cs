using System.Collections.Concurrent;
using Loyalty.Members.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Programs;

internal static class ProgramLookup
{
    public static Task<LoyaltyProgram?> FindProgramAsync(this MembersDbContext db, string code, CancellationToken cancellationToken) =>
        db.Programs.AsNoTracking().SingleOrDefaultAsync(p => p.Code == code, cancellationToken);

    public static ProblemHttpResult UnknownProgram(string code) =>
        TypedResults.Problem(title: "Unknown program.", detail: $"There is no program '{code}'.", statusCode: StatusCodes.Status404NotFound);
}

/// <summary>
/// Programs by code for the paths every purchase takes. A program's base rate and expiry policy can change
/// (<see cref="ProgramSettingsEndpoints"/>): the node that changes them forgets its copy at once, other nodes keep
/// theirs for at most <see cref="Lifetime"/>. Codes not found are not kept.
/// </summary>
internal sealed class ProgramCache(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (LoyaltyProgram Program, long ReadAt)> _programs = new(StringComparer.Ordinal);

    public async Task<LoyaltyProgram?> FindAsync(MembersDbContext db, string code, CancellationToken cancellationToken)
    {
        // Elapsed time on the monotonic clock: a test's or an operator's change of the wall clock does not keep a copy alive.
        if (_programs.TryGetValue(code, out var kept) && clock.GetElapsedTime(kept.ReadAt) < Lifetime)
        {
            return kept.Program;
        }

        var readAt = clock.GetTimestamp();
        var program = await db.FindProgramAsync(code, cancellationToken);
        if (program is not null)
        {
            _programs[code] = (program, readAt);
        }
        else
        {
            _programs.TryRemove(code, out _);
        }

        return program;
    }

    public void Forget(string code) => _programs.TryRemove(code, out _);
}
