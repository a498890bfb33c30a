using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.Upstreams;
using Microsoft.Extensions.Logging;

namespace KeepTrusts.Engine.Gateway;

/// <summary>What a <see cref="ChatGateway"/> is built from. Only the config is required.</summary>
public sealed class ChatGatewayOptions
{
    public required PolicyConfig Config { get; init; }

    public PolicyChain Chain { get; init; } = PolicyChain.Empty;

    public IAuditSink? Audit { get; init; }

    public IGatewayMetrics? Metrics { get; init; }

    public ILogger? Logger { get; init; }

    /// <summary>The handler upstream calls go through; default: <see cref="UpstreamHandler"/> (echo + pooled sockets).</summary>
    public HttpMessageHandler? Handler { get; init; }

    public UpstreamCredentials? Credentials { get; init; }

    public TimeProvider? Time { get; init; }
}
