using System.Text.Json;
using System.Text.Json.Serialization;

namespace KeepTrusts.Engine.Gateway.Wire;

/// <summary>Reads and writes <see cref="ResponsesInput"/>: a JSON string or an array of items.</summary>
internal sealed class ResponsesInputConverter : JsonConverter<ResponsesInput>
{
    public override ResponsesInput? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return new ResponsesInput { Text = reader.GetString() };
            case JsonTokenType.StartArray:
                var items = new List<ResponsesItem>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(JsonSerializer.Deserialize(ref reader, GatewayJson.Default.ResponsesItem)
                        ?? throw new JsonException("an input item must be an object"));
                }

                return new ResponsesInput { Items = items };
            default:
                throw new JsonException("must be a string or an array of input items");
        }
    }

    public override void Write(Utf8JsonWriter writer, ResponsesInput value, JsonSerializerOptions options)
    {
        if (value.Items is { } items)
        {
            writer.WriteStartArray();
            foreach (var item in items)
            {
                JsonSerializer.Serialize(writer, item, GatewayJson.Default.ResponsesItem);
            }

            writer.WriteEndArray();
            return;
        }

        writer.WriteStringValue(value.Text);
    }
}
