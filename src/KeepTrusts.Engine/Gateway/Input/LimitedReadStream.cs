namespace KeepTrusts.Engine.Gateway.Input;

/// <summary>
/// A read-only view of an upstream SSE stream that throws <see cref="UpstreamResponseTooLargeException"/> once more than
/// <paramref name="limit"/> bytes were read in all, or more than <paramref name="eventLimit"/> since the last blank line
/// (one event, which the SSE parser would otherwise buffer whole).
/// </summary>
public sealed class LimitedReadStream(Stream inner, long limit, long eventLimit = long.MaxValue) : Stream
{
    private long _read;
    private long _sinceBlankLine;
    private bool _lastWasNewline;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Count(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(ReadOnlySpan<byte> read)
    {
        _read += read.Length;
        if (_read > limit)
        {
            throw new UpstreamResponseTooLargeException(limit, "max_upstream_stream_bytes");
        }

        foreach (var b in read)
        {
            if (b == (byte)'\n')
            {
                _sinceBlankLine = _lastWasNewline ? 0 : _sinceBlankLine + 1;
                _lastWasNewline = true;
            }
            else if (b != (byte)'\r')
            {
                _lastWasNewline = false;
                if (++_sinceBlankLine > eventLimit)
                {
                    throw new UpstreamResponseTooLargeException(eventLimit, "max_upstream_event_bytes");
                }
            }
        }

        return read.Length;
    }
}
