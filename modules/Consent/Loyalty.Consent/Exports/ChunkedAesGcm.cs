using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Loyalty.Consent.Exports;

/// <summary>
/// AES-256-GCM over a stream in chunks of 64 KiB, so an archive is encrypted and decrypted as it streams, in constant
/// memory (see ADR 0005). File: <c>"LMX1"</c>, then per chunk a final flag (1 byte), the ciphertext length (4 bytes,
/// big-endian), the ciphertext and its 16-byte tag. The nonce is the chunk's number; every archive has its own key,
/// so no nonce repeats under a key. The chunk's number and final flag are authenticated data: reordered, dropped or
/// truncated chunks fail to decrypt.
/// </summary>
internal static class ChunkedAesGcm
{
    public const int ChunkSize = 64 * 1024;
    private const int TagSize = 16;
    private static readonly byte[] Magic = "LMX1"u8.ToArray();

    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(32);

    public static Stream Encrypt(Stream output, byte[] key) => new EncryptingStream(output, key);

    /// <summary>Decrypts <paramref name="input"/> into <paramref name="output"/>; throws <see cref="CryptographicException"/> when it was altered.</summary>
    public static async Task DecryptAsync(Stream input, Stream output, byte[] key, CancellationToken cancellationToken)
    {
        using var aes = new AesGcm(key, TagSize);
        var header = new byte[Magic.Length];
        await input.ReadExactlyAsync(header, cancellationToken);
        if (!header.AsSpan().SequenceEqual(Magic))
        {
            throw new CryptographicException("Not an encrypted export archive.");
        }

        var chunkHeader = new byte[5];
        var cipher = new byte[ChunkSize];
        var plain = new byte[ChunkSize];
        var tag = new byte[TagSize];
        for (long index = 0; ; index++)
        {
            if (await input.ReadAtLeastAsync(chunkHeader, chunkHeader.Length, throwOnEndOfStream: false, cancellationToken) < chunkHeader.Length)
            {
                throw new CryptographicException("The archive is truncated.");
            }

            var final = chunkHeader[0] == 1;
            var length = BinaryPrimitives.ReadInt32BigEndian(chunkHeader.AsSpan(1));
            if (length is < 0 or > ChunkSize)
            {
                throw new CryptographicException("The archive is damaged.");
            }

            await input.ReadExactlyAsync(cipher.AsMemory(0, length), cancellationToken);
            await input.ReadExactlyAsync(tag, cancellationToken);
            aes.Decrypt(Nonce(index), cipher.AsSpan(0, length), tag, plain.AsSpan(0, length), AssociatedData(index, final));
            await output.WriteAsync(plain.AsMemory(0, length), cancellationToken);
            if (final)
            {
                return;
            }
        }
    }

    private static byte[] Nonce(long index)
    {
        var nonce = new byte[12];
        BinaryPrimitives.WriteInt64BigEndian(nonce.AsSpan(4), index);
        return nonce;
    }

    private static byte[] AssociatedData(long index, bool final)
    {
        var data = new byte[9];
        BinaryPrimitives.WriteInt64BigEndian(data, index);
        data[8] = final ? (byte)1 : (byte)0;
        return data;
    }

    /// <summary>Write-only; a chunk is written when the next byte arrives, so the last one, written on dispose, is marked final.</summary>
    private sealed class EncryptingStream : Stream
    {
        private readonly Stream _output;
        private readonly AesGcm _aes;
        private readonly byte[] _buffer = new byte[ChunkSize];
        private readonly byte[] _cipher = new byte[ChunkSize];
        private readonly byte[] _tag = new byte[TagSize];
        private int _buffered;
        private long _index;
        private long _written;
        private bool _started;
        private bool _finished;

        public EncryptingStream(Stream output, byte[] key)
        {
            _output = output;
            _aes = new AesGcm(key, TagSize);
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => !_finished;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _written; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                if (_buffered == ChunkSize)
                {
                    WriteChunk(final: false);
                }

                var take = Math.Min(ChunkSize - _buffered, buffer.Length);
                buffer[..take].CopyTo(_buffer.AsSpan(_buffered));
                _buffered += take;
                _written += take;
                buffer = buffer[take..];
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_finished)
            {
                WriteChunk(final: true);
                _finished = true;
                _output.Flush();
                _aes.Dispose();
            }

            base.Dispose(disposing);
        }

        private void WriteChunk(bool final)
        {
            if (!_started)
            {
                _output.Write(Magic);
                _started = true;
            }

            _aes.Encrypt(Nonce(_index), _buffer.AsSpan(0, _buffered), _cipher.AsSpan(0, _buffered), _tag, AssociatedData(_index, final));
            Span<byte> header = stackalloc byte[5];
            header[0] = final ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteInt32BigEndian(header[1..], _buffered);
            _output.Write(header);
            _output.Write(_cipher, 0, _buffered);
            _output.Write(_tag);
            _index++;
            _buffered = 0;
        }
    }
}
