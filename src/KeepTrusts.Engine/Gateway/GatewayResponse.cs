using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// What to send back: a status, headers and either a complete body or the events of a streamed answer. Also carries
/// what callers such as Invoke-KtChat report (target, decisions, usage).
/// </summary>
public sealed class GatewayResponse
{
    public int Status { get; set; }

    /// <summary>The client left before an answer was ready: there is nothing to send (the outcome is recorded).</summary>
    public bool ClientClosed { get; init; }

    public string ContentType { get; init; } = "application/json";

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>Set for streamed answers: enumerate once; the outcome is recorded when the enumeration ends.</summary>
    public IAsyncEnumerable<ChatEvent>? Events { get; init; }

    /// <summary>The request's outcome; for streams complete only once <see cref="Events"/> was enumerated to its end.</summary>
    public RequestOutcome? Outcome { get; init; }

    public string? TargetId { get; set; }

    public List<PolicyDecision> Decisions { get; } = [];

    public long PromptTokens { get; set; }

    public long CompletionTokens { get; set; }

    public decimal Cost { get; set; }

    /// <summary>OpenAI error code when this is an error answer (policy name, model_not_found, ...).</summary>
    public string? ErrorCode { get; set; }
}
