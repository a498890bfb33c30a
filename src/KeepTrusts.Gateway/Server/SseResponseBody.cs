using System.Buffers;
using System.IO.Pipelines;

namespace KeepTrusts.Gateway.Server;

/// <summary>
/// The stream SseFormatter writes a stream's events into: each write goes into the response's pipe without a flush, and
/// <see cref="SendAsync"/> (called by the endpoint between events) decides when the bytes leave. A write that flushed
/// cost a chunked-encoding frame and a socket send per event, the largest per-event CPU cost of a stream when the
/// upstream sends events in bursts. Flush/FlushAsync do nothing, so a formatter that flushes per item cannot undo that.
/// </summary>
internal sealed class SseResponseBody(PipeWriter pipe) : Stream
{
    /// <summary>Sent at once past this much written and not yet sent: a fast upstream never piles up in the pipe.</summary>
    public const int MaxUnsentBytes = 16 * 1024;

    public long Unsent { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Flushes what was written to the client.</summary>
    public async ValueTask SendAsync(CancellationToken cancellationToken)
    {
        if (Unsent == 0)
        {
            return;
        }

        Unsent = 0;
        await pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        pipe.Write(buffer);
        Unsent += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
