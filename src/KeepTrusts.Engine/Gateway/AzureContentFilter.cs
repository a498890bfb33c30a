using System.Text.Json;
using System.Text.Json.Nodes;
using System.Runtime.InteropServices;
using KeepTrusts.Engine.Gateway.Wire;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// Reads Azure OpenAI's own content-filter signals so they are recorded beside our policies:
/// a 400 with error.code content_filter / innererror.code ResponsibleAIPolicyViolation, and the
/// prompt_filter_results / content_filter_results carried in answers and chunks (which pass through untouched).
/// </summary>
public static class AzureContentFilter
{
    public const string PolicyName = "azure-content-filter";

    /// <summary>The filter results of a blocked request, or null when the error is something else.</summary>
    public static (string Reason, string Results)? FromErrorBody(ReadOnlySpan<byte> body)
    {
        JsonNode? error;
        try
        {
            error = JsonNode.Parse(body)?["error"];
        }
        catch (JsonException)
        {
            return null;
        }

        if (error is not JsonObject e)
        {
            return null;
        }

        var code = e["code"]?.ToString();
        var inner = e["innererror"] as JsonObject;
        var innerCode = inner?["code"]?.ToString();
        if (code != "content_filter" && innerCode != "ResponsibleAIPolicyViolation")
        {
            return null;
        }

        var results = inner?["content_filter_result"] ?? inner?["content_filter_results"];
        var categories = results is JsonObject r
            ? string.Join(", ", r.Where(p => p.Value?["filtered"] is JsonValue f && f.TryGetValue<bool>(out var filtered) && filtered).Select(p => $"{p.Key} ({p.Value?["severity"]})"))
            : string.Empty;
        var reason = "Azure OpenAI content filter blocked the request" + (categories.Length > 0 ? $": {categories}" : string.Empty);
        return (reason, results?.ToJsonString() ?? "{}");
    }

    /// <summary>prompt_filter_results and choices[].content_filter_results of a chunk, as one JSON text (null when none).</summary>
    internal static string? Collect(Dictionary<string, JsonElement>? extra, List<ChatChoice>? choices)
    {
        JsonElement prompt = default;
        var hasPrompt = extra?.TryGetValue("prompt_filter_results", out prompt) == true;
        return Collect(hasPrompt ? JsonMarshal.GetRawUtf8Value(prompt) : default, choices);
    }

    /// <summary>The same for a complete answer, whose prompt_filter_results is read raw from its bytes.</summary>
    internal static string? CollectFromAnswer(ReadOnlySpan<byte> body, List<ChatChoice>? choices) =>
        Collect(Pipeline.ChatAnswerBody.TopLevelField(body, "prompt_filter_results"u8), choices);

    private static string? Collect(ReadOnlySpan<byte> prompt, List<ChatChoice>? choices)
    {
        var hasPrompt = !prompt.IsEmpty;
        var hasChoice = choices?.Exists(c => c.ContentFilterResults is not null) == true;
        if (!hasPrompt && !hasChoice)
        {
            return null;
        }

        // One buffer and writer per thread, reset per answer: only the resulting string is allocated (this ran on every
        // Azure answer and was a fifth of the no-policy hop's allocations).
        var writer = PooledJsonText.Rent();
        writer.WriteStartObject();
        if (hasPrompt)
        {
            writer.WritePropertyName("prompt_filter_results");
            writer.WriteRawValue(prompt, skipInputValidation: true);
        }

        if (hasChoice)
        {
            writer.WriteStartArray("content_filter_results");
            foreach (var choice in choices!)
            {
                choice.ContentFilterResults?.WriteTo(writer);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        return PooledJsonText.FinishRepeated(writer);
    }
}
