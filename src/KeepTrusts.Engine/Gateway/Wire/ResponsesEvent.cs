using System.Text.Json;
using System.Text.Json.Serialization;

namespace KeepTrusts.Engine.Gateway.Wire;

/// <summary>One Responses stream event (response.output_text.delta, response.completed, ...).</summary>
internal sealed class ResponsesEvent
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("delta")]
    public string? Delta { get; set; }

    [JsonPropertyName("response")]
    public ResponsesResponse? Response { get; set; }

    [JsonPropertyName("sequence_number")]
    public long? SequenceNumber { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
