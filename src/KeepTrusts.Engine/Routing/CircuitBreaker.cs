using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Routing;

/// <summary>
/// Per-target breaker consulted by routing before a call (so an open target is skipped, not tried and failed).
/// Opens on N consecutive failures or on a failure ratio over a sampling window; after break_seconds one
/// half-open call is let through and its outcome closes or re-opens the circuit. Active health probes feed it too.
/// Written here rather than taken from Polly because routing must ask "may I use this target?" without executing,
/// and Polly's breaker has no consecutive-failure rule.
/// </summary>
public sealed class CircuitBreaker(CircuitBreakerOptions options, TimeProvider time) : ICircuitBreaker
{
    private readonly object _gate = new();
    private readonly Queue<(long Ticks, bool Failed)> _window = new();
    private int _consecutiveFailures;
    private long _openedAt;
    private bool _probeInFlight;

    public CircuitState State { get; private set; } = CircuitState.Closed;

    /// <summary>Raised with the new state whenever it changes (metrics, logs).</summary>
    public event Action<CircuitState>? StateChanged;

    /// <summary>Whether a call may go to this target now; in half-open, only one caller gets true.</summary>
    public bool TryAcquire()
    {
        if (!options.Enabled)
        {
            return true;
        }

        lock (_gate)
        {
            switch (State)
            {
                case CircuitState.Closed:
                    return true;
                case CircuitState.Open when time.GetElapsedTime(_openedAt) >= TimeSpan.FromSeconds(options.BreakSeconds):
                    Transition(CircuitState.HalfOpen);
                    _probeInFlight = true;
                    return true;
                case CircuitState.HalfOpen when !_probeInFlight:
                    _probeInFlight = true;
                    return true;
                default:
                    return false;
            }
        }
    }

    /// <summary>True unless the circuit is open and its break has not yet elapsed (does not take the half-open slot).</summary>
    public bool IsAvailable
    {
        get
        {
            if (!options.Enabled)
            {
                return true;
            }

            lock (_gate)
            {
                return State switch
                {
                    CircuitState.Closed => true,
                    CircuitState.Open => time.GetElapsedTime(_openedAt) >= TimeSpan.FromSeconds(options.BreakSeconds),
                    _ => !_probeInFlight,
                };
            }
        }
    }

    public void RecordSuccess()
    {
        lock (_gate)
        {
            _consecutiveFailures = 0;
            _probeInFlight = false;
            AddSample(failed: false);
            if (State != CircuitState.Closed)
            {
                _window.Clear();
                Transition(CircuitState.Closed);
            }
        }
    }

    public void RecordFailure()
    {
        lock (_gate)
        {
            _consecutiveFailures++;
            _probeInFlight = false;
            AddSample(failed: true);
            if (State == CircuitState.HalfOpen)
            {
                Open();
                return;
            }

            if (State == CircuitState.Closed && (_consecutiveFailures >= options.ConsecutiveFailures || RatioExceeded()))
            {
                Open();
            }
        }
    }

    /// <summary>A call that was started but whose outcome says nothing about the target (client went away).</summary>
    public void RecordCancelled()
    {
        lock (_gate)
        {
            _probeInFlight = false;
        }
    }

    private void Open()
    {
        _openedAt = time.GetTimestamp();
        Transition(CircuitState.Open);
    }

    private bool RatioExceeded()
    {
        if (_window.Count < options.MinimumThroughput)
        {
            return false;
        }

        var failed = _window.Count(s => s.Failed);
        return (double)failed / _window.Count >= options.FailureRatio;
    }

    private void AddSample(bool failed)
    {
        var now = time.GetTimestamp();
        _window.Enqueue((now, failed));
        var horizon = TimeSpan.FromSeconds(options.SamplingWindowSeconds);
        while (_window.Count > 0 && time.GetElapsedTime(_window.Peek().Ticks, now) > horizon)
        {
            _window.Dequeue();
        }
    }

    private void Transition(CircuitState state)
    {
        if (State == state)
        {
            return;
        }

        State = state;
        StateChanged?.Invoke(state);
    }
}
