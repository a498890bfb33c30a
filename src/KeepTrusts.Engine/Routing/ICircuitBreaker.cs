namespace KeepTrusts.Engine.Routing;

/// <summary>
/// A target's breaker as routing sees it. In-process: <see cref="CircuitBreaker"/>; across replicas: the Redis
/// store's breaker, whose state every replica sees. Reads (<see cref="IsAvailable"/>, <see cref="State"/>) never
/// wait on the network; outcomes are recorded without blocking the caller.
/// </summary>
public interface ICircuitBreaker
{
    CircuitState State { get; }

    /// <summary>Raised with the new state whenever it changes (metrics, logs).</summary>
    event Action<CircuitState>? StateChanged;

    /// <summary>True unless the circuit is open and its break has not yet elapsed (does not take the half-open slot).</summary>
    bool IsAvailable { get; }

    /// <summary>Whether a call may go to this target now; in half-open, only one caller (of all replicas) gets true.</summary>
    bool TryAcquire();

    void RecordSuccess();

    void RecordFailure();

    /// <summary>A call that was started but whose outcome says nothing about the target (client went away).</summary>
    void RecordCancelled();
}
