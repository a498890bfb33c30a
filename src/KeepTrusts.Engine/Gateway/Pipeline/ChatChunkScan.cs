using System.Text.Json;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// What the stream filter needs from one chat chunk, read with a <see cref="Utf8JsonReader"/> straight from the
/// upstream's bytes: per choice its index, delta.content (and where that string sits in the bytes), finish_reason and
/// content_filter_results; the chunk's model and prompt_filter_results. A typed parse of every chunk (objects, strings
/// and the serializer's stack for each) was the largest allocation of a stream (bench/README.md, "Round 5").
/// <see cref="TryRead"/> says false for anything less common — tool calls, usage, an error, content parts, a field of
/// an unexpected type — and the filter then takes the typed path as before. One instance per stream, reused per chunk.
/// </summary>
internal sealed class ChatChunkScan
{
    private readonly List<ScannedChoice> _choices = [];

    public IReadOnlyList<ScannedChoice> Choices => _choices;

    /// <summary>The chunk's model: the previous chunk's string when the bytes are the same (one string per stream).</summary>
    public string? Model { get; private set; }

    /// <summary>Where prompt_filter_results sits in the chunk (length 0: absent).</summary>
    public (int Start, int Length) PromptFilterResults { get; private set; }

    public bool HasFilterResults => PromptFilterResults.Length > 0 || HasChoiceFilterResults;

    public bool HasChoiceFilterResults => _choices.Exists(static c => c.FilterResults.Length > 0);

    public bool TryRead(ReadOnlySpan<byte> json)
    {
        _choices.Clear();
        PromptFilterResults = default;
        try
        {
            return Read(json);
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private bool Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var model = Model;
        var hasChoices = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    return false;
                }

                hasChoices = true;

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject || !ReadChoice(ref reader))
                    {
                        return false;
                    }
                }
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    model = model is not null && reader.ValueTextEquals(model) ? model : reader.GetString();
                }
                else if (reader.TokenType == JsonTokenType.Null)
                {
                    model = null;
                }
                else
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("id"u8) || reader.ValueTextEquals("object"u8))
            {
                reader.Read();
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("created"u8))
            {
                reader.Read();
                if (reader.TokenType is not (JsonTokenType.Number or JsonTokenType.Null) || (reader.TokenType == JsonTokenType.Number && !reader.TryGetInt64(out _)))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("usage"u8) || reader.ValueTextEquals("error"u8))
            {
                // Token counts or an error: the typed path reads them.
                reader.Read();
                if (reader.TokenType != JsonTokenType.Null)
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("prompt_filter_results"u8))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                PromptFilterResults = (start, (int)reader.BytesConsumed - start);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // A chunk without a choices array (missing or null) is not a plain text chunk: the typed path rejects it.
        if (reader.TokenType != JsonTokenType.EndObject || !hasChoices)
        {
            return false;
        }

        Model = model;
        return true;
    }

    private bool ReadChoice(ref Utf8JsonReader reader)
    {
        var choice = new ScannedChoice();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var index))
                {
                    return false;
                }

                choice.Index = index;
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    if (!ReadDelta(ref reader, ref choice))
                    {
                        return false;
                    }
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("finish_reason"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    choice.FinishReason = FinishReason(ref reader);
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("content_filter_results"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Null)
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    choice.FilterResults = (start, (int)reader.BytesConsumed - start);
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        _choices.Add(choice);
        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool ReadDelta(ref Utf8JsonReader reader, ref ScannedChoice choice)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    var start = (int)reader.TokenStartIndex;
                    choice.Text = reader.GetString();
                    choice.TextToken = (start, (int)reader.BytesConsumed - start);
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    return false;   // content parts: the typed path
                }
            }
            else if (reader.ValueTextEquals("tool_calls"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Null)
                {
                    return false;   // tool-call arguments: the typed path
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static string FinishReason(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("stop"u8) ? "stop"
        : reader.ValueTextEquals("length"u8) ? "length"
        : reader.ValueTextEquals("content_filter"u8) ? "content_filter"
        : reader.ValueTextEquals("tool_calls"u8) ? "tool_calls"
        : reader.GetString()!;
}
