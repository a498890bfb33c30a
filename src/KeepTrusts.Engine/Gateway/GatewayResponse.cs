using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// What to send back: a status, headers and either a complete body or a writer that streams Server-Sent Events
/// as they arrive. Also carries what callers such as Invoke-KtChat report (target, decisions, usage).
/// </summary>
public sealed class GatewayResponse
{
    public int Status { get; set; }

    public string ContentType { get; init; } = "application/json";

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>Set for streamed answers: writes the events to the client and completes when the stream ends.</summary>
    public Func<Stream, CancellationToken, Task>? StreamTo { get; set; }

    public string? TargetId { get; set; }

    public List<PolicyDecision> Decisions { get; } = [];

    public long PromptTokens { get; set; }

    public long CompletionTokens { get; set; }

    public decimal Cost { get; set; }

    /// <summary>OpenAI error code when this is an error answer (policy name, model_not_found, ...).</summary>
    public string? ErrorCode { get; set; }
}
