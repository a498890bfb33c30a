using KeepTrusts.Engine.Routing;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>How the attempt loop ended: an answer to relay (2xx, or an upstream error passed through), or our own error.</summary>
internal sealed class AttemptResult
{
    public TargetState? Target { get; init; }

    /// <summary>The upstream's answer: 2xx (streams unread, others buffered and parsed) or an error to pass through.</summary>
    public HttpResponseMessage? Response { get; init; }

    /// <summary>A complete answer's body, already checked to be the JSON the operation expects.</summary>
    public byte[]? Body { get; init; }

    /// <summary>The typed answer read from <see cref="Body"/> (chat completion or Responses answer; null for embeddings).</summary>
    public object? Answer { get; init; }

    public GatewayError? Error { get; init; }

    public bool Succeeded => Error is null && Response is { IsSuccessStatusCode: true };
}
