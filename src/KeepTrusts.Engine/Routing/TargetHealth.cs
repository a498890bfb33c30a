namespace KeepTrusts.Engine.Routing;

/// <summary>
/// The one answer to "may this target take traffic?": its circuit (passive: call outcomes) and its last active probe.
/// Routing, the attempt loop and /readyz all ask here. Outcomes are recorded by the attempt loop only.
/// </summary>
public sealed class TargetHealth(ICircuitBreaker breaker)
{
    public ICircuitBreaker Breaker { get; } = breaker;

    /// <summary>Last active health probe outcome; null when probes are off or none ran yet.</summary>
    public bool? ProbeHealthy { get; internal set; }

    /// <summary>True when the circuit lets calls through and the last probe (if any) did not fail.</summary>
    public bool IsAvailable => ProbeHealthy != false && Breaker.IsAvailable;

    /// <summary>Takes a call slot (the single half-open trial when the circuit is recovering).</summary>
    public bool TryAcquire() => Breaker.TryAcquire();

    internal void Record(TargetCallResult result)
    {
        switch (result)
        {
            case TargetCallResult.Success:
                Breaker.RecordSuccess();
                break;
            case TargetCallResult.Failure:
                Breaker.RecordFailure();
                break;
            case TargetCallResult.Neutral:
                Breaker.RecordCancelled();
                break;
        }
    }
}
