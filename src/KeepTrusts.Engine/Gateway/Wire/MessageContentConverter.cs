using System.Text.Json;
using System.Text.Json.Serialization;

namespace KeepTrusts.Engine.Gateway.Wire;

/// <summary>Reads and writes <see cref="MessageContent"/>: a JSON string or an array of content parts.</summary>
internal sealed class MessageContentConverter : JsonConverter<MessageContent>
{
    public override MessageContent? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return new MessageContent { Text = reader.GetString() };
            case JsonTokenType.StartArray:
                var parts = new List<ContentPart>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    parts.Add(JsonSerializer.Deserialize(ref reader, GatewayJson.Default.ContentPart)
                        ?? throw new JsonException("a content part must be an object"));
                }

                return new MessageContent { Parts = parts };
            default:
                throw new JsonException("must be a string or an array of content parts");
        }
    }

    public override void Write(Utf8JsonWriter writer, MessageContent value, JsonSerializerOptions options)
    {
        if (value.Parts is { } parts)
        {
            writer.WriteStartArray();
            foreach (var part in parts)
            {
                JsonSerializer.Serialize(writer, part, GatewayJson.Default.ContentPart);
            }

            writer.WriteEndArray();
            return;
        }

        writer.WriteStringValue(value.Text);
    }
}
