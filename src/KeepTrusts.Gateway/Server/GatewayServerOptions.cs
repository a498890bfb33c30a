using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Gateway.Server;

/// <summary>What <see cref="GatewayServer.Build"/> needs: a validated config and where to listen.</summary>
public sealed class GatewayServerOptions
{
    public required PolicyConfig Config { get; init; }

    public string Listen { get; init; } = GatewayServer.DefaultListen;

    /// <summary>The chain, audit sink and upstream client, owned by the caller; when null, one is built from Chain, Audit and UpstreamHandler.</summary>
    public KeepTrusts.Engine.Gateway.GatewayComposition? Composition { get; init; }

    public PolicyChain? Chain { get; init; }

    public IAuditSink? Audit { get; init; }

    /// <summary>Upstream handler override (tests); default: the engine's pooled handler with the echo target.</summary>
    public HttpMessageHandler? UpstreamHandler { get; init; }

    /// <summary>Where secrets are read from (client keys, upstream keys); default: the process environment.</summary>
    public Func<string, string?>? ReadEnvironment { get; init; }

    /// <summary>Upstream credential source override (tests inject a token credential).</summary>
    public KeepTrusts.Engine.Upstreams.UpstreamCredentials? Credentials { get; init; }

    /// <summary>The config file to watch and reload on change or SIGHUP (kt gateway run); null: no live reload.</summary>
    public string? ConfigPath { get; init; }

    public bool JsonLogs { get; init; }

    public bool Quiet { get; init; }

    /// <summary>How long a client may take to send its request headers (slow-header clients are cut off).</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long in-flight requests may take to finish on Ctrl+C / SIGTERM.</summary>
    public int ShutdownTimeoutSeconds { get; init; } = 30;
}
