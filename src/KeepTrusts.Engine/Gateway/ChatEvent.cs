using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// One event of a streamed answer, as the response stage produced it: the JSON the client gets (<see cref="Data"/>, written
/// as one SSE event by the kt host) and what in-process consumers such as Invoke-KtChat read without parsing it again.
/// </summary>
public sealed class ChatEvent
{
    public ChatEventKind Kind { get; init; }

    /// <summary>The SSE event name (Responses API events); null for chat chunks.</summary>
    public string? EventType { get; init; }

    /// <summary>The event's data as sent to the client.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>Assistant text of the first choice released by this event, after the policies.</summary>
    public string? Text { get; init; }

    public string? FinishReason { get; init; }

    public string? Model { get; init; }

    public long? PromptTokens { get; init; }

    public long? CompletionTokens { get; init; }

    /// <summary>The KeepTrusts policy that stopped the stream (the event then ends it with content_filter).</summary>
    public PolicyDecision? BlockedBy { get; init; }

    /// <summary>Set on <see cref="ChatEventKind.Error"/> events.</summary>
    public GatewayError? Error { get; init; }

    internal static readonly ChatEvent Done = new() { Kind = ChatEventKind.Done, Data = "[DONE]"u8.ToArray() };
}
