using System.Text.Json;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// The last chunk of a chat stream a KeepTrusts policy stopped, shaped as Azure ends a filtered stream so every SDK
/// reports it (the .NET SDKs as ChatFinishReason.ContentFilter): an empty delta, finish_reason "content_filter" and
/// content_filter_results naming the policy.
/// </summary>
internal static class ContentFilterEnding
{
    public static ChatEvent For(string? id, long? created, string? model, PolicyDecision block)
    {
        using var buffer = new MemoryStream(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id ?? string.Empty);
            writer.WriteString("object", "chat.completion.chunk");
            writer.WriteNumber("created", created ?? 0);
            writer.WriteString("model", model ?? string.Empty);
            writer.WriteStartArray("choices");
            writer.WriteStartObject();
            writer.WriteNumber("index", 0);
            writer.WriteStartObject("delta");
            writer.WriteEndObject();
            writer.WriteString("finish_reason", "content_filter");
            writer.WritePropertyName("content_filter_results");
            GatewayErrors.WriteFilterResult(writer, block.Policy, block.Reason);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return new ChatEvent { Data = buffer.ToArray(), FinishReason = "content_filter", BlockedBy = block };
    }
}
