namespace KeepTrusts.Engine.Gateway.Reload;

/// <summary>
/// A request's hold on the generation it started on: everything it uses (pipeline, key check, config) comes from that
/// generation until the lease is disposed, however many reloads happen meanwhile.
/// </summary>
public sealed class GatewayLease : IDisposable
{
    private GatewayGeneration? _generation;

    internal GatewayLease(GatewayGeneration generation)
    {
        _generation = generation;
        Generation = generation;
    }

    public GatewayGeneration Generation { get; }

    public GatewayPipeline Pipeline => Generation.Pipeline;

    public ClientKeyAuthenticator Authenticator => Generation.Authenticator;

    public void Dispose() => Interlocked.Exchange(ref _generation, null)?.Release();
}
