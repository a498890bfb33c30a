namespace KeepTrusts.Engine.Configuration;

/// <summary><c>gateway.limits</c>: bounds on connections and on what Kestrel parses before any route runs.</summary>
public sealed class GatewayLimitsOptions : ConfigSection
{
    /// <summary>An idle keep-alive connection is closed after this many seconds (Kestrel's own default is 130).</summary>
    [ConfigKey("keep_alive_timeout_seconds")]
    public int KeepAliveTimeoutSeconds { get; set; } = 30;

    /// <summary>Open connections at most; a connection over it is closed at once, before any request is read.</summary>
    [ConfigKey("max_concurrent_connections")]
    public long MaxConcurrentConnections { get; set; } = 1000;

    /// <summary>Longest request line (method, target, protocol) in bytes; longer ones get 414.</summary>
    [ConfigKey("max_request_line_bytes")]
    public int MaxRequestLineBytes { get; set; } = 8 * 1024;

    /// <summary>Largest total of request header lines in bytes; larger ones get 431.</summary>
    [ConfigKey("max_request_headers_bytes")]
    public int MaxRequestHeadersBytes { get; set; } = 32 * 1024;
}
