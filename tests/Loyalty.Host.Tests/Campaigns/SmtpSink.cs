using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace Loyalty.Host.Tests.Campaigns;

/// <summary>
/// A real SMTP server for a test: Debian's aiosmtpd on 127.0.0.1 and a free port, writing each message into a Maildir.
/// Its handler refuses recipients starting with <c>bounce</c> for good (550) and answers the first try for each
/// recipient starting with <c>busy</c> with 451, as a greylisting server does. Without aiosmtpd the test fails (CI
/// installs python3-aiosmtpd), it never passes without having sent.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private const string Handler = """
        from aiosmtpd.handlers import Mailbox

        class Handler(Mailbox):
            def __init__(self, maildir):
                super().__init__(maildir)
                self.refused = set()

            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address.startswith("bounce"):
                    return "550 5.1.1 No such user"
                if address.startswith("busy") and address not in self.refused:
                    self.refused.add(address)
                    return "451 4.7.1 Try again later"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            @classmethod
            def from_cli(cls, parser, *args):
                return cls(args[0])
        """;

    private static readonly string[] Executables = ["/usr/bin/aiosmtpd", "/usr/local/bin/aiosmtpd"];

    private readonly Process _process;
    private readonly string _directory;

    private SmtpSink(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string Maildir => Path.Combine(_directory, "maildir");

    public static async Task<SmtpSink> StartAsync()
    {
        var executable = Executables.FirstOrDefault(File.Exists);
        Assert.True(executable is not null, "aiosmtpd is not installed: apt-get install python3-aiosmtpd (CI does).");
        var directory = Directory.CreateTempSubdirectory("loyalty-smtp-").FullName;
        foreach (var sub in new[] { "cur", "new", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(directory, "maildir", sub));
        }

        await File.WriteAllTextAsync(Path.Combine(directory, "loyalty_test_smtp.py"), Handler);
        var port = FreePort();
        var start = new ProcessStartInfo(executable!, ["-n", "-l", $"127.0.0.1:{port}", "-c", "loyalty_test_smtp.Handler", Path.Combine(directory, "maildir")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = directory,
        };
        start.Environment["PYTHONPATH"] = directory;
        var process = Process.Start(start)!;
        var sink = new SmtpSink(process, directory, port);
        for (var i = 0; i < 100; i++)
        {
            if (process.HasExited)
            {
                Assert.Fail($"aiosmtpd exited: {await process.StandardError.ReadToEndAsync()}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return sink;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        await sink.DisposeAsync();
        Assert.Fail("aiosmtpd did not start listening.");
        return null!;
    }

    /// <summary>The settings that point the host's SMTP channel at this server.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Modules:Campaigns:Messaging:Smtp:Host"] = "127.0.0.1",
        ["Modules:Campaigns:Messaging:Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Modules:Campaigns:Messaging:Smtp:Tls"] = "None",
        ["Modules:Campaigns:Messaging:Smtp:FirstRetryDelay"] = "00:00:00.050",
        ["Modules:Campaigns:Messaging:PublicBaseUrl"] = "http://localhost",
        ["Modules:Campaigns:Messaging:LinkSecret"] = "test-link-secret-of-at-least-32-characters",
        ["Modules:Campaigns:Messaging:FromAddress"] = "news@shop.example",
    };

    public int Count => Files().Count();

    public IReadOnlyList<MimeMessage> Messages() => Files().Select(f => MimeMessage.Load(f)).ToList();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private IEnumerable<string> Files() => Directory.EnumerateFiles(Path.Combine(Maildir, "new")).Concat(Directory.EnumerateFiles(Path.Combine(Maildir, "cur")));

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
