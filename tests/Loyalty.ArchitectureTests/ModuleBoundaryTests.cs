using ArchUnitNET.xUnit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Loyalty.ArchitectureTests;

public sealed class ModuleBoundaryTests
{
    [Fact]
    public void The_rules_cover_every_module_the_host_runs()
    {
        string[] known =
        [
            "Loyalty.Administration", "Loyalty.Members", "Loyalty.Rewards", "Loyalty.Campaigns",
            "Loyalty.Feedback", "Loyalty.Consent", "Loyalty.Connectors",
        ];
        Assert.Superset(known.ToHashSet(), Solution.Modules.Select(m => m.Name).ToHashSet());

        // A rule over an assembly the loader did not read would pass without judging anything.
        var loaded = Solution.Architecture.Types.Select(t => t.Assembly.FullName).ToHashSet();
        var implementations = Solution.Modules.Select(m => m.Implementation).Append(Solution.Shared).Append(Solution.Host);
        Assert.All(implementations, assembly => Assert.Contains(assembly.FullName!, loaded));
    }

    [Theory]
    [MemberData(nameof(Solution.ModuleNames), MemberType = typeof(Solution))]
    public void A_module_depends_on_no_other_modules_implementation_only_on_their_contracts(string module)
    {
        var own = Solution.Module(module);
        var others = Solution.Modules.Where(m => m != own).Select(m => m.Implementation).ToArray();

        Types().That().ResideInAssembly(own.Implementation, own.Contracts)
            .Should().NotDependOnAny(Types().That().ResideInAssembly(others[0], others[1..]))
            .Check(Solution.Architecture);
    }

    [Fact]
    public void Contracts_depend_on_no_implementation_only_on_other_contracts()
    {
        var contracts = Solution.Modules.Select(m => m.Contracts).Append(Solution.SharedContracts).ToArray();
        var implementations = Solution.Modules.Select(m => m.Implementation).Append(Solution.Shared).Append(Solution.Host).ToArray();

        Types().That().ResideInAssembly(contracts[0], contracts[1..])
            .Should().NotDependOnAny(Types().That().ResideInAssembly(implementations[0], implementations[1..]))
            .Check(Solution.Architecture);
    }
}
