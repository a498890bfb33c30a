using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.Upstreams;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// What a gateway (kt server or Invoke-KtChat) is built from and owns for its lifetime: the policy chain, the audit sink
/// and the upstream HttpClient (pooled connections). It alone disposes them; the pipeline and its stages only use them.
/// </summary>
public sealed class GatewayComposition : IAsyncDisposable
{
    private readonly bool _ownsChainAndAudit;

    private GatewayComposition(PolicyChain chain, IAuditSink? audit, HttpMessageHandler? handler, bool ownsChainAndAudit)
    {
        Chain = chain;
        Audit = audit;
        _ownsChainAndAudit = ownsChainAndAudit;
        Http = new HttpClient(handler ?? new UpstreamHandler(), disposeHandler: handler is null) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public PolicyChain Chain { get; }

    public IAuditSink? Audit { get; }

    /// <summary>The client every upstream call and health probe goes through.</summary>
    public HttpClient Http { get; }

    /// <summary>The chain and audit sink <paramref name="config"/> asks for, and a pooled upstream client.</summary>
    public static GatewayComposition Create(PolicyConfig config, HttpMessageHandler? handler = null) =>
        new(PolicyChainFactory.Create(config), PolicyChainFactory.CreateAuditSink(config), handler, ownsChainAndAudit: true);

    /// <summary>
    /// A composition over a chain and audit sink someone else owns (tests, callers that share them): it owns and
    /// disposes only its HttpClient. <paramref name="handler"/> is not disposed either.
    /// </summary>
    public static GatewayComposition Borrowing(PolicyChain chain, IAuditSink? audit, HttpMessageHandler? handler = null) =>
        new(chain, audit, handler, ownsChainAndAudit: false);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_ownsChainAndAudit)
        {
            return;
        }

        // Policies that hold native or network resources (an ONNX session, an HTTP client) are released with the composition.
        foreach (var policy in Chain.Policies)
        {
            if (policy is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }

        if (Audit is not null)
        {
            await Audit.DisposeAsync().ConfigureAwait(false);
        }
    }
}
