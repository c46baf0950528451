using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace Loyalty.Benchmarks;

/// <summary>
/// The real host, started from its Release build as a process of its own on a loopback port, on the database under test.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private const string AdminUserName = "bench-admin";
    private const string AdminPassword = "benchmark password 2026";

    private readonly Process _process;

    private HostProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int ProcessId => _process.Id;

    public static async Task<HostProcess> StartAsync(string hostDll, BenchDatabase database, IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(hostDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Database__Provider"] = database.Provider;
        start.Environment["Database__ConnectionString"] = database.ConnectionString;
        start.Environment["Bootstrap__AdminUserName"] = AdminUserName;
        start.Environment["Bootstrap__AdminPassword"] = AdminPassword;
        // One API key sends the whole load; the limit per caller would otherwise be the figure measured.
        start.Environment["RateLimiting__PermitsPerWindow"] = "1000000000";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"  host: {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new HostProcess(process, new Uri($"http://127.0.0.1:{port}"));
        await host.WaitUntilReadyAsync();
        return host;
    }

    /// <summary>A client with an API key of <paramref name="roles"/>, made by the bootstrap admin.</summary>
    public async Task<HttpClient> ApiKeyClientAsync(int connections, params string[] roles) =>
        Client(await CreateApiKeyAsync(roles), connections);

    /// <summary>A new API key of <paramref name="roles"/>, made by the bootstrap admin; it works on every node of the database.</summary>
    public async Task<string> CreateApiKeyAsync(params string[] roles)
    {
        using var admin = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = Address };
        (await admin.PostAsJsonAsync("/api/admin/auth/sign-in", new { userName = AdminUserName, password = AdminPassword })).EnsureSuccessStatusCode();
        var created = await admin.PostAsJsonAsync("/api/admin/api-keys", new { name = $"bench-{Guid.NewGuid():N}", roles });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<CreatedKey>())!.Key;
    }

    /// <summary>A client of this host with <paramref name="apiKey"/>, keeping up to <paramref name="connections"/> open.</summary>
    public HttpClient Client(string apiKey, int connections)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = Address,
            Timeout = TimeSpan.FromSeconds(60),
        };
        client.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
        return client;
    }

    /// <summary>The host's peak resident memory so far (VmHWM), in MiB.</summary>
    public long PeakMemoryMiB() => ProcStatus.PeakResidentMiB(_process.Id);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = Address };
        // A busy machine (other builds on the two cores) can take more than a minute to start the host.
        for (var i = 0; i < 1_800; i++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with code {_process.ExitCode} before it was ready.");
            }

            try
            {
                if ((await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The host was not ready within 3 minutes.");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record CreatedKey(string Key);
}

public static class ProcStatus
{
    /// <summary>Peak resident set (VmHWM) of a process, from /proc, in MiB; 0 once it has exited.</summary>
    public static long PeakResidentMiB(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }
}
