using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace KeepTrusts.Engine.Gateway.Wire;

/// <summary>
/// The OpenAI wire's "a string or an array of objects" fields (message content, Responses input): one reader and
/// writer, with the item type's source-generated metadata, so no reflection runs on the hot path.
/// </summary>
internal abstract class TextOrListConverter<TValue, TItem> : JsonConverter<TValue>
    where TValue : class
{
    /// <summary>What an item is called in the error a client sees ("content part", "input item").</summary>
    protected abstract string ItemName { get; }

    protected abstract JsonTypeInfo<TItem> ItemInfo { get; }

    protected abstract TValue FromText(string? text);

    protected abstract TValue FromList(List<TItem> items);

    protected abstract List<TItem>? ListOf(TValue value);

    protected abstract string? TextOf(TValue value);

    public override TValue? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return FromText(reader.GetString());
            case JsonTokenType.StartArray:
                var items = new List<TItem>();
                for (var index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        throw new WireItemException($"[{index}]", $"must be an object ({ItemName}), not {WireErrors.KindOf(reader.TokenType)}");
                    }

                    try
                    {
                        items.Add(JsonSerializer.Deserialize(ref reader, ItemInfo)!);
                    }
                    catch (WireItemException inner)
                    {
                        throw new WireItemException($"[{index}]{WireErrors.Relative(inner.Path)}{inner.Where}", inner.Detail);
                    }
                    catch (JsonException inner)
                    {
                        // The nested read's path is relative to the item ("$.text"); say where in the field it is.
                        throw new WireItemException($"[{index}]{WireErrors.Relative(inner.Path)}", WireErrors.Describe(inner.InnerException?.Message ?? inner.Message));
                    }
                }

                return FromList(items);
            default:
                throw new JsonException($"must be a string or an array of {ItemName}s");
        }
    }

    public override void Write(Utf8JsonWriter writer, TValue value, JsonSerializerOptions options)
    {
        if (ListOf(value) is { } items)
        {
            writer.WriteStartArray();
            foreach (var item in items)
            {
                JsonSerializer.Serialize(writer, item, ItemInfo);
            }

            writer.WriteEndArray();
            return;
        }

        writer.WriteStringValue(TextOf(value));
    }
}
