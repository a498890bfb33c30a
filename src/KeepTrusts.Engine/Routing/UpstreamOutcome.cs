namespace KeepTrusts.Engine.Routing;

/// <summary>The result of calling one target (after its retries): a response, or why there is none.</summary>
public sealed class UpstreamOutcome
{
    public required string TargetId { get; init; }

    public HttpResponseMessage? Response { get; init; }

    public UpstreamFailureKind Kind { get; init; }

    /// <summary>Short, secret-free reason for logs, metrics and error messages.</summary>
    public string Reason { get; init; } = string.Empty;

    public int Attempts { get; init; }

    /// <summary>Connection failure, timeout, 429 or 5xx: the next target may be tried.</summary>
    public bool MayFallBack { get; init; }

    public static UpstreamOutcome CircuitOpen(string targetId) =>
        new() { TargetId = targetId, Kind = UpstreamFailureKind.CircuitOpen, Reason = "circuit open", MayFallBack = true };
}
