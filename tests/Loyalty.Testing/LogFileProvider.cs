using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Loyalty.Testing;

/// <summary>
/// Writes every log entry of a test host, exception text included, to a file in the folder named by
/// <c>LOYALTY_TEST_LOG_DIR</c>. CI sets it and then searches the files for personal data (docs/architecture.md,
/// "Personal data"): a log line with an email address or a phone number fails the run.
/// </summary>
public sealed class LogFileProvider : ILoggerProvider
{
    public const string FolderVariable = "LOYALTY_TEST_LOG_DIR";

    private readonly StreamWriter _writer;

    private readonly ConcurrentDictionary<string, FileLogger> _loggers = new();

    /// <summary>Writes to a new file in <paramref name="folder"/>; disposed with the host's services.</summary>
    public LogFileProvider(string folder)
    {
        Directory.CreateDirectory(folder);
        _writer = new StreamWriter(Path.Combine(folder, $"host-{Guid.NewGuid():N}.log"), append: false) { AutoFlush = true };
    }

    /// <summary>The folder named by the variable, or null when it is not set.</summary>
    public static string? Folder => Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } folder ? folder : null;

    /// <summary>A test host's services: its log goes to a file of its own in <see cref="Folder"/>, when that is set.</summary>
    public static void AddWhenConfigured(IServiceCollection services)
    {
        if (Folder is { } folder)
        {
            services.AddSingleton<ILoggerProvider>(_ => new LogFileProvider(folder));
        }
    }

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, name => new FileLogger(name, this));

    public void Dispose() => _writer.Dispose();

    private void Write(string line)
    {
        lock (_writer)
        {
            _writer.WriteLine(line);
        }
    }

    private sealed class FileLogger(string category, LogFileProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Write($"{logLevel}|{category}|{formatter(state, exception).ReplaceLineEndings(" ")}|{exception?.ToString().ReplaceLineEndings(" ")}");
    }
}
