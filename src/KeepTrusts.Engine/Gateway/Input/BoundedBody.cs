using System.Buffers;

namespace KeepTrusts.Engine.Gateway.Input;

/// <summary>
/// Reads a complete upstream body with a byte limit: a declared Content-Length over it is refused before any byte is
/// read; otherwise the body is read into 64 KiB segments from <see cref="ArrayPool{T}"/> (no doubling, no copies on the
/// way) and refused the moment it passes the limit — the caller disposes the response, which cuts the transfer. Only
/// the final, bounded body becomes one new array.
/// </summary>
public static class BoundedBody
{
    private const int SegmentSize = 64 * 1024;

    public static async Task<byte[]> ReadAsync(HttpContent content, long limit, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is { } declared && declared > limit)
        {
            throw new UpstreamResponseTooLargeException(limit, "max_upstream_response_bytes");
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var segments = new List<byte[]>();
        var lastUsed = SegmentSize;
        long total = 0;
        try
        {
            while (true)
            {
                if (lastUsed == SegmentSize)
                {
                    segments.Add(ArrayPool<byte>.Shared.Rent(SegmentSize));
                    lastUsed = 0;
                }

                var read = await stream.ReadAsync(segments[^1].AsMemory(lastUsed, SegmentSize - lastUsed), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                lastUsed += read;
                total += read;
                if (total > limit)
                {
                    throw new UpstreamResponseTooLargeException(limit, "max_upstream_response_bytes");
                }
            }

            var body = new byte[total];
            var offset = 0;
            for (var i = 0; i < segments.Count; i++)
            {
                var length = i == segments.Count - 1 ? lastUsed : SegmentSize;
                segments[i].AsSpan(0, length).CopyTo(body.AsSpan(offset));
                offset += length;
            }

            return body;
        }
        finally
        {
            foreach (var segment in segments)
            {
                ArrayPool<byte>.Shared.Return(segment);
            }
        }
    }
}
