using System.Buffers;
using System.Text.Json;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// Replaces JSON string tokens in a UTF-8 document by other strings, every other byte kept as it came: a chunk whose
/// text a policy changed is sent as the upstream's chunk with only that text different, not re-modelled and
/// re-serialized. Strings are escaped by <see cref="Utf8JsonWriter"/>'s default encoder, as the serializer escapes them.
/// </summary>
internal static class JsonStringSplice
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <param name="replacements">Tokens (quotes included) in ascending order, each with its new text.</param>
    public static byte[] Replace(ReadOnlySpan<byte> json, List<(int Start, int Length, string Text)> replacements)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        buffer.ResetWrittenCount();
        var ends = replacements.Count <= 8 ? stackalloc int[replacements.Count] : new int[replacements.Count];
        for (var i = 0; i < replacements.Count; i++)
        {
            writer.Reset(buffer);
            writer.WriteStringValue(replacements[i].Text);
            writer.Flush();
            ends[i] = buffer.WrittenCount;
        }

        var encoded = buffer.WrittenSpan;
        var removed = 0;
        foreach (var r in replacements)
        {
            removed += r.Length;
        }

        var result = new byte[json.Length - removed + encoded.Length];
        var from = 0;
        var to = 0;
        var encodedFrom = 0;
        for (var i = 0; i < replacements.Count; i++)
        {
            var (start, length, _) = replacements[i];
            json[from..start].CopyTo(result.AsSpan(to));
            to += start - from;
            encoded[encodedFrom..ends[i]].CopyTo(result.AsSpan(to));
            to += ends[i] - encodedFrom;
            encodedFrom = ends[i];
            from = start + length;
        }

        json[from..].CopyTo(result.AsSpan(to));
        if (buffer.Capacity > 64 * 1024)
        {
            // A huge one-off text does not pin its buffer to the thread.
            t_buffer = null;
            t_writer = null;
        }

        return result;
    }
}
