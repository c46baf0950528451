namespace Loyalty.Members.Contracts;

/// <summary>Programs as other modules address them in their routes: by code.</summary>
public interface ILoyaltyPrograms
{
    /// <summary>The program with the code, or null when there is none.</summary>
    Task<LoyaltyProgramDto?> FindAsync(string code, CancellationToken cancellationToken);

    /// <summary>The codes of all programs, for jobs that work through every program (scores).</summary>
    Task<IReadOnlyList<string>> CodesAsync(CancellationToken cancellationToken);
}
