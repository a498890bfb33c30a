using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// Everything known about one request when it ends — what the client got, which target answered, the policy decisions,
/// usage — filled in by the stages as they run, and recorded once (metrics and audit) by <see cref="OutcomeRecorder"/>.
/// </summary>
public sealed class RequestOutcome(GatewayRequest request, long started)
{
    public GatewayRequest Request { get; } = request;

    public long Started { get; } = started;

    public string? Model { get; set; }

    /// <summary>A virtual key's rules refused the call: an access decision, always audited.</summary>
    public bool KeyRefused { get; set; }

    public bool Stream { get; set; }

    public string? TargetId { get; set; }

    /// <summary>The HTTP status the client got; for streams, what the stream ended as (400 block, 502 upstream failure).</summary>
    public int Status { get; set; }

    /// <summary>0 when the client left before any answer (nothing was sent, so there is no status to report).</summary>
    public bool ClientClosed { get; set; }

    public string? ErrorCode { get; set; }

    public int Attempts { get; set; }

    /// <summary>The token estimate reserved against rate limits before the call (corrected with the real usage).</summary>
    public long EstimatedTokens { get; set; }

    /// <summary>Null until the request reached the policy stage (earlier rejects are audited only with log_all_access).</summary>
    public List<PolicyDecision>? Decisions { get; set; }

    public long PromptTokens { get; set; }

    public long CompletionTokens { get; set; }

    public decimal Cost { get; set; }

    public string? ContentFilterResults { get; set; }

    public string? PromptText { get; set; }

    public string? CompletionText { get; set; }

    /// <summary>An upstream error body as it came, when the client got it normalized (HTML, Azure JSON without type).</summary>
    public string? UpstreamErrorBody { get; set; }

    internal bool Recorded { get; set; }

    /// <summary>The model the upstream said answered (complete answers), for the request span.</summary>
    public string? ResponseModel { get; set; }

    /// <summary>The request's span when tracing listens (<see cref="GatewayTelemetry"/>); ended when the outcome is recorded.</summary>
    internal System.Diagnostics.Activity? Span { get; set; }

    /// <summary>The audit sink holds this request's request record: the outcome follows as its own record.</summary>
    internal bool RequestRecorded { get; set; }

    /// <summary>Completes when the request record is on disk (its fsync overlaps the upstream call).</summary>
    internal Task? RequestDurable { get; set; }

    internal void AddDecisions(IEnumerable<PolicyDecision> decisions) => (Decisions ??= []).AddRange(decisions);
}
