using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.State;
using KeepTrusts.Engine.Upstreams;
using Microsoft.Extensions.Logging;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// What a gateway (kt server or Invoke-KtChat) is built from and owns for its lifetime: the policy chain, the audit sink,
/// the upstream HttpClient (pooled connections) and the state store (limits, breakers, spend). It alone disposes them;
/// the pipeline and its stages only use them.
/// </summary>
public sealed class GatewayComposition : IAsyncDisposable
{
    private readonly bool _ownsChainAndAudit;
    private readonly bool _ownsShared;
    private readonly Lazy<IGatewayStateStore> _state;
    private int _chainReleased;

    private GatewayComposition(PolicyChain chain, IAuditSink? audit, HttpMessageHandler? handler, bool ownsChainAndAudit, Lazy<IGatewayStateStore> state)
    {
        Chain = chain;
        Audit = audit;
        _ownsChainAndAudit = ownsChainAndAudit;
        _ownsShared = true;
        _state = state;
        var upstream = handler ?? new UpstreamHandler();
        Http = new HttpClient(upstream, disposeHandler: handler is null) { Timeout = Timeout.InfiniteTimeSpan };
        Invoker = new HttpMessageInvoker(upstream, disposeHandler: false);
    }

    /// <summary>A successor (live reload): its own chain, the parent's audit sink, upstream client and state store.</summary>
    private GatewayComposition(GatewayComposition parent, PolicyChain chain)
    {
        Chain = chain;
        Audit = parent.Audit;
        Http = parent.Http;
        Invoker = parent.Invoker;
        _state = parent._state;
        _ownsChainAndAudit = false;
        _ownsShared = false;
    }

    public PolicyChain Chain { get; }

    public IAuditSink? Audit { get; }

    /// <summary>The client health probes go through (upstream calls use <see cref="Invoker"/>, over the same handler).</summary>
    public HttpClient Http { get; }

    /// <summary>
    /// The same handler (pool, connections) without HttpClient's per-call work — a linked CancellationTokenSource and
    /// a state machine for its timeout, which the gateway sets per attempt itself: what each upstream call goes through.
    /// </summary>
    internal HttpMessageInvoker Invoker { get; }

    /// <summary>
    /// Where limits, breakers and spend live (<c>gateway.state</c>): in-process, or Redis shared by all replicas.
    /// Built on first use, so a gateway that does not ask for it opens no Redis connection.
    /// </summary>
    public IGatewayStateStore State => _state.Value;

    /// <remarks>No logging types in this signature: Invoke-KtChat calls it across the module's load contexts.</remarks>
    public static GatewayComposition Create(PolicyConfig config, HttpMessageHandler? handler = null) => Create(config, null, null, handler);

    /// <summary>The chain, audit sink and state store <paramref name="config"/> asks for, and a pooled upstream client.</summary>
    public static GatewayComposition Create(PolicyConfig config, ILogger? logger, Func<string, string?>? readEnvironment, HttpMessageHandler? handler = null) =>
        new(PolicyChainFactory.Create(config), PolicyChainFactory.CreateAuditSink(config), handler, ownsChainAndAudit: true, StateFor(config, readEnvironment, logger));

    /// <summary>
    /// A composition over a chain and audit sink someone else owns (tests, callers that share them): it owns and
    /// disposes only its HttpClient and state store. <paramref name="handler"/> is not disposed either.
    /// <paramref name="config"/> (optional) chooses the state store; without it state is in-process.
    /// </summary>
    public static GatewayComposition Borrowing(PolicyChain chain, IAuditSink? audit, HttpMessageHandler? handler = null, PolicyConfig? config = null,
        Func<string, string?>? readEnvironment = null, ILogger? logger = null) =>
        new(chain, audit, handler, ownsChainAndAudit: false,
            config is null ? new Lazy<IGatewayStateStore>(() => new LocalGatewayStateStore(TimeProvider.System)) : StateFor(config, readEnvironment, logger));

    private static Lazy<IGatewayStateStore> StateFor(PolicyConfig config, Func<string, string?>? readEnvironment, ILogger? logger) =>
        new(() => GatewayStateStoreFactory.Create(config, readEnvironment, logger));

    /// <summary>
    /// A composition for a reloaded config: <paramref name="chain"/> (which it owns and releases in
    /// <see cref="ReleaseChain"/>), with this composition's audit writer, upstream client and state store, which stay
    /// owned by this one (one audit writer per directory for the life of the process, pooled connections kept).
    /// </summary>
    public GatewayComposition WithChain(PolicyChain chain) => new(this, chain);

    /// <summary>
    /// Releases the chain's policies that hold native or network resources (an ONNX session, an HTTP client) once the
    /// requests that used this chain have drained; the audit writer, client and state store are untouched. Idempotent.
    /// </summary>
    public void ReleaseChain()
    {
        if ((_ownsChainAndAudit || !_ownsShared) && Interlocked.Exchange(ref _chainReleased, 1) == 0)
        {
            foreach (var policy in Chain.Policies)
            {
                if (policy is IDisposable disposable)
                {
                    disposable.Dispose();
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_ownsShared)
        {
            // A successor: only its chain is its own.
            ReleaseChain();
            return;
        }

        Http.Dispose();
        if (_state.IsValueCreated)
        {
            await _state.Value.DisposeAsync().ConfigureAwait(false);
        }

        if (!_ownsChainAndAudit)
        {
            return;
        }

        ReleaseChain();
        if (Audit is not null)
        {
            await Audit.DisposeAsync().ConfigureAwait(false);
        }
    }
}
