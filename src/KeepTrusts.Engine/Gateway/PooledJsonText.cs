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
}
