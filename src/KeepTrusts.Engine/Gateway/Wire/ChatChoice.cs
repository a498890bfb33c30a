using System.Text.Json;
using System.Text.Json.Serialization;

namespace KeepTrusts.Engine.Gateway.Wire;

/// <summary>One choice of an answer (message) or of a streamed chunk (delta).</summary>
internal sealed class ChatChoice
{
    [JsonPropertyName("index")]
    public int Index { get; set; }

    [JsonPropertyName("message")]
    public ChatMessage? Message { get; set; }

    [JsonPropertyName("delta")]
    public ChatMessage? Delta { get; set; }

    [JsonPropertyName("finish_reason")]
    public string? FinishReason { get; set; }

    [JsonPropertyName("content_filter_results")]
    public JsonElement? ContentFilterResults { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
