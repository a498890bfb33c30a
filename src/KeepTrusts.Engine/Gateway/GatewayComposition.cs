using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Gateway;

/// <summary>The policy chain and audit sink a config asks for, built once per gateway (kt server or Invoke-KtChat).</summary>
public sealed class GatewayComposition : IAsyncDisposable
{
    private GatewayComposition(PolicyChain chain, IAuditSink? audit)
    {
        Chain = chain;
        Audit = audit;
    }

    public PolicyChain Chain { get; }

    public IAuditSink? Audit { get; }

    public static GatewayComposition Create(PolicyConfig config) =>
        new(PolicyChainFactory.Create(config), PolicyChainFactory.CreateAuditSink(config));

    public async ValueTask DisposeAsync()
    {
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
