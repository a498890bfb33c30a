using System.Buffers;
using System.Text.Json;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// One UTF-8 JSON writer and buffer per thread for small texts written on every answer (content-filter results, the
/// decisions header): only the resulting string is allocated. Not reentrant: finish one text before renting again.
/// </summary>
internal static class PooledJsonText
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    // The last text FinishRepeated gave on this thread, and its UTF-8 bytes (the first t_lastLength of the array, which
    // is reused: a text that differs costs its string, as with Finish, and no new array).
    [ThreadStatic]
    private static byte[]? t_lastBytes;

    [ThreadStatic]
    private static int t_lastLength;

    [ThreadStatic]
    private static string? t_lastText;

    /// <summary>Texts longer than this are never kept for reuse (a one-off huge text does not stay on the thread).</summary>
    internal const int MaxRepeatedBytes = 4096;

    /// <summary>This thread's writer, emptied.</summary>
    public static Utf8JsonWriter Rent()
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        return writer;
    }

    /// <summary>What was written since <see cref="Rent"/>, as a string.</summary>
    public static string Finish(Utf8JsonWriter writer)
    {
        writer.Flush();
        var buffer = t_buffer!;
        var text = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        if (buffer.Capacity > 64 * 1024)
        {
            // A huge one-off text does not pin its buffer to the thread.
            t_buffer = null;
            t_writer = null;
        }

        return text;
    }

    /// <summary>
    /// As <see cref="Finish"/>, but when the bytes are the same as the last text this method gave on this thread, that
    /// same (immutable) string is returned instead of a new one. For texts that mostly repeat from answer to answer
    /// (Azure's filter results: "safe, not filtered" in every category for almost every prompt and answer).
    /// </summary>
    public static string FinishRepeated(Utf8JsonWriter writer)
    {
        writer.Flush();
        var written = t_buffer!.WrittenSpan;
        if (t_lastText is { } last && written.SequenceEqual(t_lastBytes.AsSpan(0, t_lastLength)))
        {
            return last;
        }

        var text = Finish(writer);
        if (written.Length <= MaxRepeatedBytes)
        {
            var kept = t_lastBytes ??= new byte[MaxRepeatedBytes];
            written.CopyTo(kept);
            t_lastLength = written.Length;
            t_lastText = text;
        }

        return text;
    }
}
