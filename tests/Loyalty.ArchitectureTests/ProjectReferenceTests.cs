namespace Loyalty.ArchitectureTests;

public sealed class ProjectReferenceTests
{
    [Fact]
    public void Module_contracts_SDK_and_plugin_projects_reference_only_what_their_layer_allows()
    {
        var root = RepositoryRoot();
        string[] judgedFolders = ["modules", "plugins"];
        var projects = judgedFolders
            .Where(folder => Directory.Exists(Path.Combine(root, folder)))
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*.csproj", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            .ToList();

        // Every module has an implementation and a Contracts project, and Shared has both too.
        Assert.True(projects.Count >= (2 * Solution.Modules.Count) + 2, $"Found only these projects: {string.Join(", ", projects)}");
        var violations = projects.SelectMany(project => ProjectReferenceRules.Violations(project, File.ReadAllText(Path.Combine(root, project)))).ToList();
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Theory]
    [InlineData("modules/Members/Loyalty.Members/Loyalty.Members.csproj", @"..\..\Shared\Loyalty.Shared\Loyalty.Shared.csproj")]
    [InlineData("modules/Members/Loyalty.Members/Loyalty.Members.csproj", @"..\Loyalty.Members.Contracts\Loyalty.Members.Contracts.csproj")]
    [InlineData("modules/Rewards/Loyalty.Rewards/Loyalty.Rewards.csproj", @"..\..\Members\Loyalty.Members.Contracts\Loyalty.Members.Contracts.csproj")]
    [InlineData("modules/Rewards/Loyalty.Rewards.Contracts/Loyalty.Rewards.Contracts.csproj", @"..\..\Shared\Loyalty.Shared.Contracts\Loyalty.Shared.Contracts.csproj")]
    [InlineData("modules/Rewards/Loyalty.Rewards.Contracts/Loyalty.Rewards.Contracts.csproj", @"..\..\Members\Loyalty.Members.Contracts\Loyalty.Members.Contracts.csproj")]
    [InlineData("plugins/Loyalty.Connectors.Acme/Loyalty.Connectors.Acme.csproj", @"..\Loyalty.Connectors.Sdk\Loyalty.Connectors.Sdk.csproj")]
    [InlineData("host/Loyalty.Host/Loyalty.Host.csproj", @"..\..\modules\Members\Loyalty.Members\Loyalty.Members.csproj")]
    [InlineData("modules/Connectors/Loyalty.Connectors/Loyalty.Connectors.csproj", @"..\..\..\plugins\Loyalty.Connectors.Sdk\Loyalty.Connectors.Sdk.csproj")]
    public void A_reference_the_layering_allows_is_no_violation(string project, string reference)
    {
        Assert.Empty(ProjectReferenceRules.Violations(project, Csproj(reference)));
    }

    [Theory]
    [InlineData("plugins/Loyalty.Connectors.Acme/Loyalty.Connectors.Acme.csproj", @"..\..\modules\Members\Loyalty.Members\Loyalty.Members.csproj")]
    [InlineData("plugins/Loyalty.Connectors.Acme/Loyalty.Connectors.Acme.csproj", @"..\..\modules\Members\Loyalty.Members.Contracts\Loyalty.Members.Contracts.csproj")]
    [InlineData("plugins/Loyalty.Connectors.Sdk/Loyalty.Connectors.Sdk.csproj", @"..\..\modules\Shared\Loyalty.Shared.Contracts\Loyalty.Shared.Contracts.csproj")]
    [InlineData("modules/Rewards/Loyalty.Rewards/Loyalty.Rewards.csproj", @"..\..\Members\Loyalty.Members\Loyalty.Members.csproj")]
    [InlineData("modules/Rewards/Loyalty.Rewards/Loyalty.Rewards.csproj", @"..\..\..\plugins\Loyalty.Connectors.Sdk\Loyalty.Connectors.Sdk.csproj")]
    [InlineData("modules/Connectors/Loyalty.Connectors/Loyalty.Connectors.csproj", @"..\..\..\plugins\Loyalty.Connectors.CsvFolder\Loyalty.Connectors.CsvFolder.csproj")]
    [InlineData("modules/Rewards/Loyalty.Rewards/Loyalty.Rewards.csproj", @"..\..\..\host\Loyalty.Host\Loyalty.Host.csproj")]
    [InlineData("modules/Rewards/Loyalty.Rewards.Contracts/Loyalty.Rewards.Contracts.csproj", @"..\..\Shared\Loyalty.Shared\Loyalty.Shared.csproj")]
    [InlineData("modules/Rewards/Loyalty.Rewards.Contracts/Loyalty.Rewards.Contracts.csproj", @"..\Loyalty.Rewards\Loyalty.Rewards.csproj")]
    public void A_reference_the_layering_forbids_is_a_violation_naming_both_projects(string project, string reference)
    {
        var violation = Assert.Single(ProjectReferenceRules.Violations(project, Csproj(reference)));

        Assert.StartsWith(project + " references ", violation, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(reference.Replace('\\', '/')), violation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plugin_referencing_one_of_our_assemblies_as_a_binary_is_a_violation()
    {
        const string csproj = """
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <Reference Include="Loyalty.Members"><HintPath>..\..\host\Loyalty.Host\bin\Loyalty.Members.dll</HintPath></Reference>
              </ItemGroup>
            </Project>
            """;

        var violation = Assert.Single(ProjectReferenceRules.Violations("plugins/Acme/Acme.csproj", csproj));

        Assert.Contains("Loyalty.Members", violation, StringComparison.Ordinal);
    }

    private static string Csproj(string reference) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <ItemGroup>
            <ProjectReference Include="{reference}" />
          </ItemGroup>
        </Project>
        """;

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Loyalty.Monolith.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Loyalty.Monolith.sln above {AppContext.BaseDirectory}.");
    }
}
