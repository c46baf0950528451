using Loyalty.Connectors.Sdk;
using Loyalty.Connectors.Sdk.Testing;
using Loyalty.Connectors.Tests.Plugins;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Loyalty.Connectors.Tests.CsvFolder;

/// <summary>
/// A temporary folder with a contacts.csv, the CSV connector on it (loaded as a plugin, as the host does), and a backend that edits the file behind the
/// connector's back as a person with a spreadsheet would (plain comma-joined text; the tests' values hold no commas).
/// </summary>
public sealed class CsvFolderFixture : IConformanceBackend, IAsyncDisposable
{
    public const string Header = "Id,ModifiedAt,IsDeleted,LoyaltyId,Email,FirstName";

    public CsvFolderFixture(string header = Header)
    {
        Folder = Directory.CreateTempSubdirectory("csv-connector-").FullName;
        File.WriteAllText(PathOf("contacts"), header + "\n");
        Connector = Create(new Dictionary<string, string?> { ["folder"] = Folder });
    }

    public string Folder { get; }

    /// <summary>Moves on a little at every reading, as real time does between a read and a later write.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero)) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };

    public IConnector Connector { get; }

    public IConnector Create(IReadOnlyDictionary<string, string?> values)
    {
        var plugin = TestPlugins.Csv;
        var configuration = ConnectorConfiguration.Create(plugin.Manifest!.Configuration, values, out var errors);
        Assert.Empty(errors);
        return plugin.Factory!.Create(
            new ConnectorContext("test", configuration, () => new HttpClient(), NullLogger.Instance, Time));
    }

    public string PathOf(string objectName) => Path.Combine(Folder, objectName + ".csv");

    public Task<string> CreateAsync(string objectName, IReadOnlyDictionary<string, string?> fields)
    {
        var id = Guid.NewGuid().ToString("N");
        var lines = File.ReadAllLines(PathOf(objectName)).ToList();
        var columns = lines[0].Split(',');
        var row = new Dictionary<string, string?>(fields) { ["Id"] = id, ["ModifiedAt"] = Tick(), ["IsDeleted"] = "false" };
        lines.Add(string.Join(',', columns.Select(c => row.GetValueOrDefault(c) ?? "")));
        File.WriteAllLines(PathOf(objectName), lines);
        return Task.FromResult(id);
    }

    public Task UpdateAsync(string objectName, string id, IReadOnlyDictionary<string, string?> fields) =>
        Edit(objectName, id, row =>
        {
            foreach (var (field, value) in fields)
            {
                row[field] = value ?? "";
            }
        });

    public Task DeleteAsync(string objectName, string id) => Edit(objectName, id, row => row["IsDeleted"] = "true");

    public Task<IReadOnlyDictionary<string, string?>?> GetAsync(string objectName, string id)
    {
        var rows = Rows(objectName);
        var row = rows.FirstOrDefault(r => r["Id"] == id && r["IsDeleted"] != "true");
        return Task.FromResult<IReadOnlyDictionary<string, string?>?>(row?.ToDictionary(p => p.Key, p => p.Value.Length == 0 ? null : (string?)p.Value));
    }

    /// <summary>The file's rows as column → text; reads what the connector wrote (Sylvan quotes only where needed).</summary>
    public List<Dictionary<string, string>> Rows(string objectName)
    {
        var lines = File.ReadAllLines(PathOf(objectName));
        var columns = lines[0].Split(',');
        return [.. lines.Skip(1).Where(l => l.Length > 0).Select(l => columns.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second))];
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return Connector.DisposeAsync();
    }

    private Task Edit(string objectName, string id, Action<Dictionary<string, string>> change)
    {
        var lines = File.ReadAllLines(PathOf(objectName));
        var columns = lines[0].Split(',');
        for (var i = 1; i < lines.Length; i++)
        {
            var row = columns.Zip(lines[i].Split(',')).ToDictionary(p => p.First, p => p.Second);
            if (row["Id"] == id)
            {
                change(row);
                row["ModifiedAt"] = Tick();
                lines[i] = string.Join(',', columns.Select(c => row[c]));
            }
        }

        File.WriteAllLines(PathOf(objectName), lines);
        return Task.CompletedTask;
    }

    private string Tick()
    {
        Time.Advance(TimeSpan.FromSeconds(1));
        return Time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
    }
}
