using System.Text.Json;
using System.Text.Json.Serialization;

namespace KeepTrusts.Engine.Gateway.Wire;

/// <summary>A Responses API answer (also carried by the response.* stream events).</summary>
internal sealed class ResponsesResponse
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("output")]
    public List<ResponsesItem>? Output { get; set; }

    [JsonPropertyName("usage")]
    public TokenUsage? Usage { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
