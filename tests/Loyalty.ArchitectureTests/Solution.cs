using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using Loyalty.Host;
using Loyalty.Shared.Contracts;
using Loyalty.Shared.Modules;
using Assembly = System.Reflection.Assembly;
using AssemblyName = System.Reflection.AssemblyName;
using Type = System.Type;

namespace Loyalty.ArchitectureTests;

/// <summary>A module as the host runs it: its module class, its implementation and its Contracts assembly.</summary>
public sealed record Module(Type ModuleClass, Assembly Contracts)
{
    public Assembly Implementation => ModuleClass.Assembly;

    public string Name => Implementation.GetName().Name!;
}

/// <summary>
/// The assemblies the rules judge. Modules come from the host's own list, so a module added there is covered
/// without touching a test.
/// </summary>
public static class Solution
{
    public static IReadOnlyList<Module> Modules { get; } =
    [
        .. LoyaltyModules.All.Select(module => new Module(
            module.GetType(),
            Assembly.Load(new AssemblyName(module.GetType().Assembly.GetName().Name + ".Contracts")))),
    ];

    public static Assembly Shared { get; } = typeof(LoyaltyModule).Assembly;

    public static Assembly SharedContracts { get; } = typeof(IntegrationEvent).Assembly;

    public static Assembly Host { get; } = typeof(LoyaltyModules).Assembly;

    public static IReadOnlyList<Assembly> All { get; } =
        [.. Modules.SelectMany(m => new[] { m.Implementation, m.Contracts }), Shared, SharedContracts, Host];

    public static Architecture Architecture => LoadedArchitecture.Value;

    public static TheoryData<string> ModuleNames => [.. Modules.Select(m => m.Name)];

    public static Module Module(string name) => Modules.Single(m => m.Name == name);

    private static readonly Lazy<Architecture> LoadedArchitecture =
        new(() => new ArchLoader().LoadAssemblies([.. All]).Build());
}
