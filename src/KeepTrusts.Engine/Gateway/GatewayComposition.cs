using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.State;
using Microsoft.Extensions.Logging;

namespace KeepTrusts.Engine.Gateway;

/// <summary>The policy chain, audit sink and state store a config asks for, built once per gateway (kt server or Invoke-KtChat).</summary>
public sealed class GatewayComposition : IAsyncDisposable
{
    private readonly Lazy<IGatewayStateStore> _state;

    private GatewayComposition(PolicyChain chain, IAuditSink? audit, Lazy<IGatewayStateStore> state)
    {
        Chain = chain;
        Audit = audit;
        _state = state;
    }

    public PolicyChain Chain { get; }

    public IAuditSink? Audit { get; }

    /// <summary>
    /// Where limits, breakers and spend live (<c>gateway.state</c>): in-process, or Redis shared by all replicas.
    /// Built on first use, so a gateway that does not ask for it opens no Redis connection.
    /// </summary>
    public IGatewayStateStore State => _state.Value;

    /// <remarks>No logging types in this signature: Invoke-KtChat calls it across the module's load contexts.</remarks>
    public static GatewayComposition Create(PolicyConfig config) => Create(config, null, null);

    public static GatewayComposition Create(PolicyConfig config, ILogger? logger, Func<string, string?>? readEnvironment = null) =>
        new(PolicyChainFactory.Create(config), PolicyChainFactory.CreateAuditSink(config),
            new Lazy<IGatewayStateStore>(() => GatewayStateStoreFactory.Create(config, readEnvironment, logger)));

    public async ValueTask DisposeAsync()
    {
        if (_state.IsValueCreated)
        {
            await _state.Value.DisposeAsync().ConfigureAwait(false);
        }

        if (Audit is not null)
        {
            await Audit.DisposeAsync().ConfigureAwait(false);
        }
    }
}
