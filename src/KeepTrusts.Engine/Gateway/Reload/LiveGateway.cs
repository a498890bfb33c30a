namespace KeepTrusts.Engine.Gateway.Reload;

/// <summary>
/// Holds the current <see cref="GatewayGeneration"/> and swaps it atomically on a live reload: a request leases the
/// generation current when it starts and finishes on it; new requests get the new one; a replaced generation is
/// released when its last request ends (no lock on the request path: one compare-and-swap per lease).
/// </summary>
public sealed class LiveGateway : IDisposable
{
    private GatewayGeneration _current;
    private int _disposed;

    public LiveGateway(GatewayGeneration initial) => _current = initial;

    public GatewayGeneration Current => Volatile.Read(ref _current);

    /// <summary>Raised after a swap, with the new generation (health probes move to its targets).</summary>
    public event Action<GatewayGeneration>? Swapped;

    /// <summary>The current generation, held until the lease is disposed.</summary>
    public GatewayLease Acquire()
    {
        while (true)
        {
            var generation = Volatile.Read(ref _current);
            if (generation.TryAcquire())
            {
                return new GatewayLease(generation);
            }

            // Retired and drained between the read and the acquire: the field already holds its successor.
        }
    }

    /// <summary>
    /// As <see cref="Acquire"/>, or null once this is disposed and its last generation drained: for work that can
    /// arrive after shutdown began (Kestrel's bad-request events), where Acquire would spin with no successor to find.
    /// </summary>
    public GatewayLease? TryAcquire()
    {
        while (true)
        {
            var generation = Volatile.Read(ref _current);
            if (generation.TryAcquire())
            {
                return new GatewayLease(generation);
            }

            if (Volatile.Read(ref _disposed) == 1)
            {
                return null;
            }
        }
    }

    /// <summary>Makes <paramref name="next"/> current; the previous one finishes its requests, then is released.</summary>
    public void Swap(GatewayGeneration next)
    {
        var previous = Interlocked.Exchange(ref _current, next);
        previous.Retire();
        Swapped?.Invoke(next);
    }

    /// <summary>Retires the current generation (released once its last request ends). Called when the server is disposed.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Volatile.Read(ref _current).Retire();
        }
    }
}
