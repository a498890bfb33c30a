using System.Buffers;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;

namespace KeepTrusts.Gateway.Server;

/// <summary>
/// A request body read into a buffer from <see cref="ArrayPool{T}"/> (grown by doubling, bounded by
/// max_request_body_bytes) instead of a new array per request; disposing returns it to the pool.
/// </summary>
internal sealed class PooledBody : IDisposable
{
    private byte[]? _buffer;
    private readonly int _length;

    private PooledBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        _length = length;
    }

    public ReadOnlyMemory<byte> Memory => _buffer is { } buffer ? buffer.AsMemory(0, _length) : ReadOnlyMemory<byte>.Empty;

    public static async Task<PooledBody> ReadAsync(Stream body, long? contentLength, long limit, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(contentLength is { } declared ? (int)Math.Min(Math.Max(declared, 1), limit + 1) : 16 * 1024);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, Math.Min(limit + 1, Array.MaxLength)));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return new PooledBody(buffer, length);
                }

                length += read;
                if (length > limit)
                {
                    throw new BadHttpRequestException("too large", 413);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
