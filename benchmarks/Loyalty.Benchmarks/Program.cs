using System.Globalization;
using Loyalty.Benchmarks;

// dotnet run -c Release --project benchmarks/Loyalty.Benchmarks -- accrual [--provider Sqlite,Postgres] [--seconds 20] [--members 2000] [--clients 16,64] [--warm-up 30] [--rules 0|50]
//                                                            -- accrual --nodes 2 --provider Postgres [--seconds 20] [--members 2000] [--clients 16,64] [--warm-up 30]
//                                                            -- import [--provider Sqlite,Postgres] [--members 100000] [--transactions 1000000]
//                                                            -- vouchers [--provider Sqlite,Postgres] [--codes 100000] [--rate 200] [--seconds 20]
//                                                            -- segments [--provider Sqlite,Postgres] [--members 1000000] [--sample 1000000]
//                                                            -- gdpr [--provider Sqlite,Postgres] [--members 100000]
//                                                            -- sync [--provider Sqlite,Postgres] [--contacts 100000] [--faults]
// benchmarks/run.sh builds the host in Release first and runs every benchmark on both databases.
var scenario = args.FirstOrDefault() ?? "accrual";
string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, $"--{name}");
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

var root = Option("root", FindRoot());
var hostDll = Path.Combine(root, "host", "Loyalty.Host", "bin", "Release", "net10.0", "Loyalty.Host.dll");
if (!File.Exists(hostDll))
{
    Console.Error.WriteLine($"Build the host in Release first: dotnet build -c Release host/Loyalty.Host ({hostDll} is missing).");
    return 2;
}

// Several nodes share one server database: PostgreSQL.
var providers = Option("provider", Option("nodes", "1") == "1" ? "Sqlite,Postgres" : "Postgres").Split(',');
var seconds = TimeSpan.FromSeconds(int.Parse(Option("seconds", "20"), CultureInfo.InvariantCulture));
var members = int.Parse(Option("members", "2000"), CultureInfo.InvariantCulture);
var warmUp = TimeSpan.FromSeconds(int.Parse(Option("warm-up", "30"), CultureInfo.InvariantCulture));
int[] clients = [.. Option("clients", "16,64").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))];
foreach (var provider in providers)
{
    Console.Error.WriteLine($"{scenario} on {provider}…");
    var report = scenario switch
    {
        "accrual" when int.Parse(Option("nodes", "1"), CultureInfo.InvariantCulture) is > 1 and var nodes =>
            provider == "Postgres"
                ? await AccrualBenchmark.RunNodesAsync(hostDll, nodes, members, seconds, warmUp, clients)
                : throw new ArgumentException("--nodes needs --provider Postgres: several nodes share one server database."),
        "accrual" => await AccrualBenchmark.RunAsync(hostDll, provider, members, seconds, warmUp, clients, int.Parse(Option("rules", "0"), CultureInfo.InvariantCulture)),
        "import" => await ImportBenchmark.RunAsync(
            hostDll, provider, int.Parse(Option("members", "100000"), CultureInfo.InvariantCulture), int.Parse(Option("transactions", "1000000"), CultureInfo.InvariantCulture)),
        "vouchers" => await VoucherBenchmark.RunAsync(
            hostDll, provider, int.Parse(Option("codes", "100000"), CultureInfo.InvariantCulture), double.Parse(Option("rate", "200"), CultureInfo.InvariantCulture), seconds),
        "segments" => await SegmentBenchmark.RunAsync(
            hostDll, provider, int.Parse(Option("members", "1000000"), CultureInfo.InvariantCulture), int.Parse(Option("sample", Option("members", "1000000")), CultureInfo.InvariantCulture)),
        "gdpr" => await GdprBenchmark.RunAsync(hostDll, provider, int.Parse(Option("members", "100000"), CultureInfo.InvariantCulture)),
        "sync" => await SyncBenchmark.RunAsync(hostDll, provider, int.Parse(Option("contacts", "100000"), CultureInfo.InvariantCulture), args.Contains("--faults")),
        _ => throw new ArgumentException($"Unknown benchmark '{scenario}'; use accrual, import, vouchers, segments, gdpr or sync."),
    };
    Console.WriteLine(report);
}

return 0;

static string FindRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Loyalty.Monolith.sln")))
        {
            return directory.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}
