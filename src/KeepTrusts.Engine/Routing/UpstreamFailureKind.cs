namespace KeepTrusts.Engine.Routing;

public enum UpstreamFailureKind
{
    None,

    /// <summary>The upstream answered with an HTTP status (see the response).</summary>
    Status,
    ConnectionFailed,
    Timeout,
    CircuitOpen,
    Credential,
    ClientCancelled,

    /// <summary>The answer passed gateway.limits.max_upstream_response_bytes; the call was cut.</summary>
    ResponseTooLarge,

    /// <summary>The upstream answered, then broke off the body before it was complete.</summary>
    Incomplete,
}
