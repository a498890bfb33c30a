using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Gateway.Reload;

/// <summary>
/// One config's worth of gateway: the config, its pipeline, client key check and composition (chain). Requests hold it
/// through a <see cref="GatewayLease"/>; once a live reload replaced it and its last request finished, it releases
/// what is its own (the chain's native resources, breaker hooks, a key store it opened) exactly once.
/// </summary>
public sealed class GatewayGeneration
{
    private readonly Action? _onDrained;

    // 1 for "is current" plus one per request in flight; 0 = drained (never acquired again).
    private int _references = 1;

    /// <param name="onDrained">What to release when this generation is retired and its last request has finished.</param>
    public GatewayGeneration(int number, PolicyConfig config, GatewayPipeline pipeline, ClientKeyAuthenticator authenticator, GatewayComposition composition, Action? onDrained = null)
    {
        Number = number;
        Config = config;
        Pipeline = pipeline;
        Authenticator = authenticator;
        Composition = composition;
        _onDrained = onDrained;
    }

    /// <summary>0 for the config kt started with, then 1, 2, ... for each applied reload.</summary>
    public int Number { get; }

    public PolicyConfig Config { get; }

    public GatewayPipeline Pipeline { get; }

    public ClientKeyAuthenticator Authenticator { get; }

    public GatewayComposition Composition { get; }

    /// <summary>Requests still running on this generation (for logs and tests).</summary>
    public int InFlight => Math.Max(0, Volatile.Read(ref _references) - (IsRetired ? 0 : 1));

    public bool IsRetired { get; private set; }

    public bool IsDrained => Volatile.Read(ref _references) == 0;

    internal bool TryAcquire()
    {
        var seen = Volatile.Read(ref _references);
        while (seen > 0)
        {
            var previous = Interlocked.CompareExchange(ref _references, seen + 1, seen);
            if (previous == seen)
            {
                return true;
            }

            seen = previous;
        }

        return false;
    }

    internal void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Pipeline.Detach();
            _onDrained?.Invoke();
        }
    }

    /// <summary>No longer current: drops the "current" reference; released now or when the last request ends.</summary>
    internal void Retire()
    {
        IsRetired = true;
        Release();
    }
}
