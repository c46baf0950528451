using System.Runtime.CompilerServices;

namespace Loyalty.ArchitectureTests;

public sealed class ModulePublicSurfaceTests
{
    // Exported types are exactly what another assembly can see, nested public types included.
    [Theory]
    [MemberData(nameof(Solution.ModuleNames), MemberType = typeof(Solution))]
    public void A_module_implementation_exposes_only_its_module_class(string module)
    {
        var own = Solution.Module(module);

        var otherPublicTypes = own.Implementation.GetExportedTypes()
            .Where(t => t != own.ModuleClass && !t.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false))
            .Select(t => t.FullName)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Contains(own.ModuleClass, own.Implementation.GetExportedTypes());
        Assert.True(otherPublicTypes.Count == 0, $"{own.Name} makes public, besides {own.ModuleClass.Name}: {string.Join(", ", otherPublicTypes)}");
    }
}
