using System.Xml.Linq;

namespace Loyalty.ArchitectureTests;

/// <summary>
/// Which of our projects a project may reference, judged from its .csproj text and its path relative to the
/// repository root (forward slashes). Host, tests and benchmarks are not judged.
/// </summary>
public static class ProjectReferenceRules
{
    private enum Kind { ModuleImplementation, Contracts, SharedImplementation, ConnectorSdk, Plugin, Unjudged }

    private const string ConnectorSdk = "Loyalty.Connectors.Sdk";

    /// <summary>The plugin host: the one module that compiles against the SDK its plugins implement.</summary>
    private const string PluginHost = "modules/Connectors/Loyalty.Connectors/Loyalty.Connectors.csproj";

    public static IReadOnlyList<string> Violations(string projectPath, string csprojXml)
    {
        var kind = KindOf(projectPath);
        var (allowed, rule) = kind switch
        {
            Kind.ModuleImplementation when projectPath == PluginHost => (new[] { Kind.SharedImplementation, Kind.Contracts, Kind.ConnectorSdk }, $"the plugin host may reference only Loyalty.Shared, Contracts projects and {ConnectorSdk}"),
            Kind.ModuleImplementation => ([Kind.SharedImplementation, Kind.Contracts], "a module implementation may reference only Loyalty.Shared and Contracts projects"),
            Kind.Contracts => ([Kind.Contracts], "a Contracts project may reference only Contracts projects"),
            Kind.Plugin => ([Kind.ConnectorSdk], $"a plugin may reference only {ConnectorSdk}"),
            Kind.ConnectorSdk => ([], "the connector SDK may reference no project of ours"),
            _ => ((Kind[]?)null, ""),
        };
        if (allowed is null)
        {
            return [];
        }

        var items = XDocument.Parse(csprojXml).Descendants().ToList();
        var projectReferences = items
            .Where(e => e.Name.LocalName == "ProjectReference")
            .Select(e => (string?)e.Attribute("Include") ?? "")
            .Where(include => !allowed.Contains(KindOf(Resolve(projectPath, include))))
            .Select(include => $"{projectPath} references {Resolve(projectPath, include)}: {rule}");
        // A binary reference to one of our assemblies would slip past the project rules.
        var assemblyReferences = items
            .Where(e => e.Name.LocalName == "Reference")
            .Select(e => ((string?)e.Attribute("Include") ?? "").Split(',')[0].Trim())
            .Where(name => name.StartsWith("Loyalty.", StringComparison.Ordinal))
            .Select(name => $"{projectPath} references the assembly {name} directly: reference our projects by ProjectReference; {rule}");
        return [.. projectReferences, .. assemblyReferences];
    }

    private static Kind KindOf(string path)
    {
        var segments = path.Split('/');
        var name = Path.GetFileNameWithoutExtension(path);
        return segments switch
        {
            ["modules", "Shared", "Loyalty.Shared", _] => Kind.SharedImplementation,
            ["modules", _, _, _] when name.EndsWith(".Contracts", StringComparison.Ordinal) => Kind.Contracts,
            ["modules", _, _, _] => Kind.ModuleImplementation,
            ["plugins", ..] when name == ConnectorSdk => Kind.ConnectorSdk,
            ["plugins", ..] => Kind.Plugin,
            _ => Kind.Unjudged,
        };
    }

    /// <summary>The referenced project's path relative to the repository root, as the reference resolves.</summary>
    private static string Resolve(string projectPath, string include)
    {
        var segments = new List<string>(projectPath.Split('/')[..^1]);
        foreach (var segment in include.Replace('\\', '/').Split('/'))
        {
            if (segment == ".." && segments.Count > 0 && segments[^1] != "..")
            {
                segments.RemoveAt(segments.Count - 1);
            }
            else if (segment is not ("." or ""))
            {
                segments.Add(segment);
            }
        }

        return string.Join('/', segments);
    }
}
