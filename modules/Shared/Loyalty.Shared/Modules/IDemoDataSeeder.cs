namespace Loyalty.Shared.Modules;

/// <summary>
/// A module's part of the demo program that <c>seed-demo</c> (and a first <c>dotnet run</c> in Development) creates.
/// Seeding twice changes nothing.
/// </summary>
public interface IDemoDataSeeder
{
    Task SeedAsync(CancellationToken cancellationToken);
}
