using System.Text.Json;
using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Gateway.Wire;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Chat;

/// <summary>Reads one SSE data payload of a gateway's chat stream into the <see cref="ChatEvent"/> the in-process path yields.</summary>
internal static class RemoteEvent
{
    public static ChatEvent From(byte[] data)
    {
        if (data.AsSpan().SequenceEqual("[DONE]"u8))
        {
            return new ChatEvent { Kind = ChatEventKind.Done, Data = data };
        }

        var chunk = JsonSerializer.Deserialize(data, GatewayJson.Default.ChatCompletionChunk);
        if (chunk?.Error is { ValueKind: JsonValueKind.Object } error)
        {
            var type = Read(error, "type") ?? "error";
            return new ChatEvent
            {
                Kind = ChatEventKind.Error,
                Data = data,
                Error = new GatewayError(type == OpenAIError.PolicyViolation ? 400 : 502, type, Read(error, "code") ?? "stream_error", Read(error, "message") ?? "The stream ended with an error."),
            };
        }

        var first = chunk?.Choices is { Count: > 0 } choices ? choices[0] : null;
        return new ChatEvent
        {
            Data = data,
            Text = first?.Delta?.Content?.Text,
            FinishReason = first?.FinishReason,
            Model = string.IsNullOrEmpty(chunk?.Model) ? null : chunk.Model,
            PromptTokens = chunk?.Usage?.Prompt,
            CompletionTokens = chunk?.Usage?.Completion,
            BlockedBy = first is { FinishReason: "content_filter" } ? KeepTrustsBlock(first) : null,
        };
    }

    /// <summary>A content_filter ending whose results name a KeepTrusts policy (Azure's own filter names none).</summary>
    private static PolicyDecision? KeepTrustsBlock(ChatChoice choice)
    {
        if (choice.ContentFilterResults is not { ValueKind: JsonValueKind.Object } results ||
            !results.TryGetProperty(GatewayErrors.FilterKey, out var ours) || ours.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return new PolicyDecision(Read(ours, "policy") ?? GatewayErrors.FilterKey, PolicyPhase.Response, PolicyAction.Block, Read(ours, "reason") ?? "blocked", 1.0, []);
    }

    private static string? Read(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
