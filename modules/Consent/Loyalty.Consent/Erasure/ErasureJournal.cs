using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Loyalty.Shared.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Loyalty.Consent.Erasure;

/// <summary>An erasure the DPO started: the request and the member, by id only.</summary>
internal sealed record ErasureJournalEntry(Guid RequestId, Guid MemberId, DateTimeOffset ReceivedAt, DateTimeOffset StartedAt);

/// <summary>
/// An append-only file outside the database, a JSON line per erasure a person asked for, written before anything is
/// erased. A restore of an older backup brings erased members back; the journal is not part of that backup, so
/// <see cref="ErasureReplay"/> can erase them again. It holds ids and times, no personal data.
/// </summary>
internal sealed class ErasureJournal(IOptions<ConsentOptions> options, IConfiguration configuration, IHostEnvironment environment)
{
    private static readonly SemaphoreSlim Writing = new(1, 1);

    public string Path { get; } = options.Value.ErasureJournal is { Length: > 0 } configured
        ? System.IO.Path.GetFullPath(configured, environment.ContentRootPath)
        : System.IO.Path.Combine(System.IO.Path.GetFullPath(DatabaseOptions.From(configuration).DataDirectory, environment.ContentRootPath), "erasure-journal.ndjson");

    /// <summary>Appends the entry and flushes it to the disk; an erasure goes ahead only once it is written.</summary>
    public async Task RecordAsync(ErasureJournalEntry entry, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry, JsonSerializerOptions.Web) + "\n");
        await Writing.WaitAsync(cancellationToken);
        try
        {
            // Append mode: every node of an installation may write to the same file on shared storage.
            await using var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            await file.WriteAsync(line, cancellationToken);
            file.Flush(flushToDisk: true);
        }
        finally
        {
            Writing.Release();
        }
    }

    /// <summary>The entries of <paramref name="path"/>, oldest first; a line cut short by a crash while writing is skipped.</summary>
    public static async IAsyncEnumerable<ErasureJournalEntry> ReadAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            yield break;
        }

        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            ErasureJournalEntry? entry;
            try
            {
                entry = JsonSerializer.Deserialize<ErasureJournalEntry>(line, JsonSerializerOptions.Web);
            }
            catch (JsonException)
            {
                continue;
            }

            if (entry is { RequestId: var id, MemberId: var member } && id != Guid.Empty && member != Guid.Empty)
            {
                yield return entry;
            }
        }
    }
}
