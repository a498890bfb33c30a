using KeepTrusts.Engine.Keys;
using KeepTrusts.Engine.Upstreams;

namespace KeepTrusts.Engine.Gateway;

/// <summary>One client call as the gateway core sees it, independent of the HTTP server.</summary>
public sealed class GatewayRequest
{
    public required UpstreamOperation Operation { get; init; }

    /// <summary>The JSON body exactly as the client sent it (empty when an in-process caller gives <see cref="Chat"/>).</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>An in-process caller's request, already typed (Invoke-KtChat): nothing to serialize and parse again.</summary>
    internal Wire.ChatRequest? Chat { get; init; }

    public InboundDialect Dialect { get; init; } = InboundDialect.OpenAI;

    /// <summary>The {deployment} of an Azure deployments path; it names the route (see <see cref="DeploymentResolver"/>).</summary>
    public string? Deployment { get; init; }

    /// <summary>The caller's id, or a new one (<see cref="RequestIds"/>) made only when none was given.</summary>
    public string RequestId
    {
        get => _requestId ?? Interlocked.CompareExchange(ref _requestId, RequestIds.New(), null) ?? _requestId;
        init => _requestId = value;
    }

    private string? _requestId;

    /// <summary>The authenticated client key's id (never the key), or null.</summary>
    public string? ClientKeyId { get; init; }

    /// <summary>The virtual key presented (disabled and expired ones too: the pipeline says why it refuses them), or null.</summary>
    public VirtualKey? VirtualKey { get; init; }

    public string Method { get; init; } = "POST";

    public string Path { get; init; } = "/v1/chat/completions";

    /// <summary>The client's IP address; set only on requests Kestrel refused itself (<see cref="UpstreamOperation.RejectedByServer"/>).</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>Why Kestrel refused the request (its message without the request's bytes); only on <see cref="UpstreamOperation.RejectedByServer"/>.</summary>
    public string? RejectionReason { get; init; }

    /// <summary>Pins the call to one target id (Invoke-KtChat -Target); null routes by model.</summary>
    public string? TargetId { get; init; }
}
