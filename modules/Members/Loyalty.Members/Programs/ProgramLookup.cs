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
