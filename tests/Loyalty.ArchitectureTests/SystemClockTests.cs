using ArchUnitNET.Domain.Dependencies;
using ArchUnitNET.Fluent;
using ArchUnitNET.Fluent.Conditions;
using ArchUnitNET.Fluent.Syntax.Elements.Types;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Loyalty.ArchitectureTests;

public sealed class SystemClockTests
{
    [Fact]
    public void Modules_and_Shared_take_the_time_from_TimeProvider_not_the_system_clock()
    {
        var assemblies = Solution.Modules.Select(m => m.Implementation).Append(Solution.Shared).ToArray();

        NotReadTheSystemClock(Types().That().ResideInAssembly(assemblies[0], assemblies[1..]))
            .Check(Solution.Architecture);
    }

    [Fact]
    public void The_system_clock_rule_names_each_read_of_the_system_clock()
    {
        var architecture = new ArchLoader().LoadAssembly(typeof(ReadsTheSystemClock).Assembly).Build();

        var result = Assert.Single(NotReadTheSystemClock(Types().That().Are(typeof(ReadsTheSystemClock))).Evaluate(architecture));

        Assert.False(result.Passed);
        Assert.All(SystemClockMembers.Values, member => Assert.Contains(member, result.Description, StringComparison.Ordinal));
    }

    // ArchUnitNET's MethodMembers() holds only members of loaded types, so NotCallAny(MethodMembers()...) over
    // System.DateTime would match nothing; the call dependencies name the called member, so the rule reads those.
    private static TypesShouldConjunction NotReadTheSystemClock(GivenTypesConjunction types) => types.Should().FollowCustomCondition(
        type =>
        {
            var reads = type.Dependencies.OfType<MethodCallDependency>()
                .Select(call => SystemClockMembers.GetValueOrDefault($"{call.TargetMember.DeclaringType.FullName}::{call.TargetMember.Name}"))
                .OfType<string>()
                .Distinct()
                .Order(StringComparer.Ordinal)
                .ToList();
            return new ConditionResult(type, reads.Count == 0, "reads " + string.Join(", ", reads) + "; take the time from TimeProvider");
        },
        "not read DateTime.Now, DateTime.UtcNow, DateTimeOffset.Now or DateTimeOffset.UtcNow");

    private static readonly Dictionary<string, string> SystemClockMembers = new(StringComparer.Ordinal)
    {
        ["System.DateTime::get_Now()"] = "DateTime.Now",
        ["System.DateTime::get_UtcNow()"] = "DateTime.UtcNow",
        ["System.DateTimeOffset::get_Now()"] = "DateTimeOffset.Now",
        ["System.DateTimeOffset::get_UtcNow()"] = "DateTimeOffset.UtcNow",
    };
}

/// <summary>Does what the system clock rule forbids, to prove the rule fails on it.</summary>
internal static class ReadsTheSystemClock
{
    public static IEnumerable<object> Times() => [DateTime.Now, DateTime.UtcNow, DateTimeOffset.Now, DateTimeOffset.UtcNow];
}
