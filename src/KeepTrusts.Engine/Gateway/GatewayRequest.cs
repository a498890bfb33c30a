using KeepTrusts.Engine.Upstreams;

namespace KeepTrusts.Engine.Gateway;

/// <summary>One client call as the gateway core sees it, independent of the HTTP server.</summary>
public sealed class GatewayRequest
{
    public required UpstreamOperation Operation { get; init; }

    /// <summary>The JSON body exactly as the client sent it.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    public string RequestId { get; init; } = Guid.NewGuid().ToString("N");

    /// <summary>The authenticated client key's id (never the key), or null.</summary>
    public string? ClientKeyId { get; init; }

    public string Path { get; init; } = "/v1/chat/completions";

    /// <summary>Pins the call to one target id (Invoke-KtChat -Target); null routes by model.</summary>
    public string? TargetId { get; init; }
}
