using System.Buffers;
using System.Text.Json;
using KeepTrusts.Engine.Gateway.Wire;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// Works on a complete chat answer's bytes: a redacted answer keeps every field the upstream sent, in its order and
/// byte for byte, with only <c>choices</c> written from the typed (redacted) choices; and Azure's filter results are
/// read raw from it for the audit record.
/// </summary>
internal static class ChatAnswerBody
{
    public static byte[] WithChoices(byte[] original, List<ChatChoice>? choices)
    {
        var output = new ArrayBufferWriter<byte>(original.Length + 256);
        using (var writer = new Utf8JsonWriter(output))
        {
            var reader = new Utf8JsonReader(original);
            reader.Read();
            writer.WriteStartObject();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isChoices = reader.ValueTextEquals("choices"u8);
                writer.WritePropertyName(reader.GetString()!);
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                if (isChoices)
                {
                    JsonSerializer.Serialize(writer, choices, GatewayJson.Default.ListChatChoice);
                }
                else
                {
                    writer.WriteRawValue(original.AsSpan(start, (int)reader.BytesConsumed - start), skipInputValidation: true);
                }
            }

            writer.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>The raw JSON of a top-level field (e.g. prompt_filter_results), empty when the answer has none.</summary>
    public static ReadOnlySpan<byte> TopLevelField(ReadOnlySpan<byte> body, ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(body);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var found = reader.ValueTextEquals(name);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            if (found)
            {
                return body[start..(int)reader.BytesConsumed];
            }
        }

        return default;
    }
}
