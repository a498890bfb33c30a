using System.Text.Json.Serialization;

namespace KeepTrusts.Engine.Gateway.Wire;

/// <summary>
/// What the gateway reads of a complete chat answer. Other fields (id, created, prompt_filter_results, …) are not read
/// into objects — each would be a JsonDocument of its own on every answer; the client gets the upstream's bytes, and
/// a redacted answer is re-written from those bytes with only its choices replaced (<see cref="Pipeline.ChatAnswerBody"/>).
/// </summary>
internal sealed class ChatCompletion
{
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("choices")]
    public List<ChatChoice>? Choices { get; set; }

    [JsonPropertyName("usage")]
    public TokenUsage? Usage { get; set; }
}
