using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Cluster;

/// <summary>
/// One node of an installation as an operator runs it: the built host (<c>dotnet Loyalty.Host.dll</c>) in its own
/// process on its own 127.0.0.1 port, configured by environment variables. It can be killed with SIGKILL and
/// started again on the same port. Its console output goes to a file in <c>LOYALTY_TEST_LOG_DIR</c> when that is set
/// (the CI log scan reads it), and its last lines are kept for failure messages.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly ConcurrentQueue<string> _tail = new();
    private Process? _process;
    private StreamWriter? _log;

    public HostProcess(string name, IReadOnlyDictionary<string, string> environment)
    {
        Name = name;
        _environment = environment;
        Port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{Port}");
    }

    public string Name { get; }

    public int Port { get; }

    public Uri BaseAddress { get; }

    /// <summary>The running process's id (it names the node in the product's runner ids), 0 when not running.</summary>
    public int ProcessId => _process is { HasExited: false } process ? process.Id : 0;

    /// <summary>How many times this node was started.</summary>
    public int Starts { get; private set; }

    /// <summary>Starts the process and waits until <c>/health/ready</c> answers 200; fails with the node's output if it does not.</summary>
    public async Task StartAsync(TimeSpan? timeout = null)
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException($"{Name} is running.");
        }

        var host = Path.Combine(AppContext.BaseDirectory, "Loyalty.Host.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(host);
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = BaseAddress.ToString();
        Starts++;
        if (LogFileProvider.Folder is { } folder)
        {
            Directory.CreateDirectory(folder);
            _log?.Dispose();
            _log = new StreamWriter(Path.Combine(folder, $"host-process-{Name}-{Guid.NewGuid():N}.log")) { AutoFlush = true };
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{Name} did not start.");
        _process = process;
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(90);
        while (deadline.Elapsed < limit)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {process.ExitCode} before it was ready:\n{Tail()}");
            }

            try
            {
                using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{Name} was not ready after {limit}:\n{Tail()}");
    }

    /// <summary>SIGKILL (on Linux, <see cref="Process.Kill(bool)"/> sends it): no shutdown code of the host runs.</summary>
    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        process.Kill(entireProcessTree: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>A client of this node, with the given bearer key if any.</summary>
    public HttpClient Client(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
        }

        return client;
    }

    /// <summary>The node's last output lines, for failure messages.</summary>
    public string Tail() => string.Join('\n', _tail);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        if (_log is not null)
        {
            await _log.DisposeAsync();
        }
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        _tail.Enqueue(line);
        while (_tail.Count > 60 && _tail.TryDequeue(out _))
        {
        }

        var log = _log;
        if (log is not null)
        {
            lock (log)
            {
                try
                {
                    log.WriteLine(line);
                }
                catch (ObjectDisposedException)
                {
                    // The last lines of a killed process can arrive after the test disposed the node.
                }
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
