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
/// Programs by code for the paths every purchase takes, read once per node: a program does not change once created
/// (its settings have no update endpoint), so a copy kept here is never stale. Codes not found are not kept.
/// </summary>
internal sealed class ProgramCache
{
    private readonly ConcurrentDictionary<string, LoyaltyProgram> _programs = new(StringComparer.Ordinal);

    public async Task<LoyaltyProgram?> FindAsync(MembersDbContext db, string code, CancellationToken cancellationToken)
    {
        if (_programs.TryGetValue(code, out var program))
        {
            return program;
        }

        program = await db.FindProgramAsync(code, cancellationToken);
        if (program is not null)
        {
            _programs[code] = program;
        }

        return program;
    }
}
