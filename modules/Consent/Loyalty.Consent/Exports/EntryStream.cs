namespace Loyalty.Consent.Exports;

/// <summary>
/// What a module's JSON writer writes a zip entry through. <see cref="System.Text.Json.JsonSerializer"/> flushes its
/// writer, and so the stream, after every value, and flushing a zip entry makes the deflater emit a sync point: once
/// per exported row, which cost more than reading the rows and made the archive larger. Writes pass on in 64 KiB
/// pieces, so memory stays flat; flushes pass nothing, and what is buffered goes to the entry when this is disposed.
/// </summary>
internal sealed class EntryStream(Stream entry) : Stream
{
    private readonly BufferedStream _buffer = new(entry, 64 * 1024);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => _buffer.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _buffer.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _buffer.WriteAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _buffer.WriteAsync(buffer, cancellationToken);

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await _buffer.DisposeAsync();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _buffer.Dispose();
        }

        base.Dispose(disposing);
    }
}
