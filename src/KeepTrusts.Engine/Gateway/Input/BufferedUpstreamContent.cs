namespace KeepTrusts.Engine.Gateway.Input;

/// <summary>
/// An upstream body already read in full (by <see cref="BoundedBody"/>, inside the attempt) that hands its bytes over
/// as they are: <see cref="HttpContent.ReadAsByteArrayAsync()"/> on a plain <see cref="ByteArrayContent"/> copies them
/// through a MemoryStream twice, on every answer.
/// </summary>
internal sealed class BufferedUpstreamContent(byte[] bytes) : ByteArrayContent(bytes)
{
    public byte[] Bytes { get; } = bytes;

    /// <summary>The body's bytes: without a copy when the attempt buffered it, else read (and copied) once.</summary>
    public static Task<byte[]> BytesOf(HttpContent content) =>
        content is BufferedUpstreamContent buffered ? Task.FromResult(buffered.Bytes) : content.ReadAsByteArrayAsync(CancellationToken.None);
}
