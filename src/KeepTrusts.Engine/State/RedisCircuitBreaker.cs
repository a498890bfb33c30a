using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Routing;
using StackExchange.Redis;

namespace KeepTrusts.Engine.State;

/// <summary>
/// A target's breaker shared by every replica: outcomes are counted in Redis (consecutive failures and the failure
/// ratio over all replicas' calls), one replica opening it opens it for all (published on a channel), and only one
/// replica gets the half-open probe. Reads come from a local mirror kept current by those messages, so routing never
/// waits on the network; outcomes are sent without blocking. While Redis is away this replica's own
/// <see cref="CircuitBreaker"/> (fed all along) decides.
/// </summary>
public sealed class RedisCircuitBreaker : ICircuitBreaker
{
    private readonly RedisGatewayStateStore _store;
    private readonly string _targetId;
    private readonly CircuitBreakerOptions _options;
    private readonly CircuitBreaker _local;
    private readonly TimeProvider _time;
    private readonly RedisKey[] _hashKey;
    private readonly RedisKey[] _recordKeys;
    private readonly object _gate = new();
    private CircuitState _mirror = CircuitState.Closed;
    private long _openUntil;
    private long _applied;
    private CircuitState _reported = CircuitState.Closed;

    internal RedisCircuitBreaker(RedisGatewayStateStore store, string targetId, CircuitBreakerOptions options, CircuitBreaker local, TimeProvider time)
    {
        _store = store;
        _targetId = targetId;
        _options = options;
        _local = local;
        _time = time;
        var key = store.KeyPrefix + "cb:" + targetId;
        _hashKey = [key];
        _recordKeys = [key, key + ":all", key + ":fail"];
        _local.StateChanged += _ => Report();
    }

    public event Action<CircuitState>? StateChanged;

    internal CircuitBreakerOptions Options => _options;

    public CircuitState State => Shared ? _mirror : _local.State;

    public bool IsAvailable
    {
        get
        {
            if (!Shared)
            {
                return _local.IsAvailable;
            }

            lock (_gate)
            {
                return _mirror switch
                {
                    CircuitState.Closed => true,
                    CircuitState.Open => _time.GetTimestamp() >= _openUntil,
                    _ => false,
                };
            }
        }
    }

    private bool Shared => _store.Health == GatewayStateHealth.Shared;

    private long BreakMs => _options.BreakSeconds * 1000L;

    public bool TryAcquire()
    {
        var localAnswer = _local.TryAcquire();
        if (!Shared)
        {
            return localAnswer;
        }

        lock (_gate)
        {
            if (_mirror == CircuitState.Closed)
            {
                return true;
            }

            if (_mirror == CircuitState.Open && _time.GetTimestamp() < _openUntil)
            {
                return false;
            }
        }

        // The break has passed (or another replica holds the probe): Redis hands the one probe to one replica.
        var result = _store.TryEvaluate(RedisScripts.BreakerAcquire, _hashKey, [BreakMs, _store.BreakerChannel.ToString(), _targetId]);
        if (result is null)
        {
            return localAnswer;
        }

        var values = (RedisResult[])result!;
        Apply((string)values[0]!, (long)values[2]);
        return (long)values[1] == 1;
    }

    public void RecordSuccess() => _ = RecordAsync("s");

    public void RecordFailure() => _ = RecordAsync("f");

    public void RecordCancelled() => _ = RecordAsync("c");

    /// <summary>Records an outcome and completes when Redis has counted it (callers on the request path do not wait).</summary>
    public async Task RecordAsync(string outcome)
    {
        switch (outcome)
        {
            case "s": _local.RecordSuccess(); break;
            case "f": _local.RecordFailure(); break;
            default: _local.RecordCancelled(); break;
        }

        var result = await _store.TryEvaluateAsync(RedisScripts.BreakerRecord, _recordKeys,
        [
            outcome, _options.ConsecutiveFailures, _options.FailureRatio, _options.MinimumThroughput,
            _options.SamplingWindowSeconds * 1000L, BreakMs, Guid.NewGuid().ToString("N"), _store.BreakerChannel.ToString(), _targetId,
        ]).ConfigureAwait(false);
        if (result is not null)
        {
            var values = (RedisResult[])result!;
            Apply((string)values[0]!, (long)values[1]);
        }
    }

    /// <summary>Reads the shared state into the mirror (at start and after a reconnect).</summary>
    internal async Task RefreshAsync()
    {
        long appliedBefore;
        lock (_gate)
        {
            appliedBefore = _applied;
        }

        var result = await _store.TryEvaluateAsync(RedisScripts.BreakerPeek, _hashKey, [BreakMs]).ConfigureAwait(false);
        if (result is not null)
        {
            var values = (RedisResult[])result!;
            Apply((string)values[0]!, (long)values[1], appliedBefore);
        }
    }

    /// <summary>Takes a state from Redis (a script's answer or another replica's message).</summary>
    internal void Apply(string state, long remainingBreakMs) => Apply(state, remainingBreakMs, appliedBefore: null);

    private void Apply(string state, long remainingBreakMs, long? appliedBefore)
    {
        lock (_gate)
        {
            // A state applied while this read was under way may be newer than the read's answer (under load the read's
            // continuation can run last): applying the answer would undo it until the next message. Messages follow
            // every change, so skipping the read loses nothing.
            if (appliedBefore is { } before && before != _applied)
            {
                return;
            }

            _applied++;
            _mirror = state switch
            {
                "o" => CircuitState.Open,
                "h" => CircuitState.HalfOpen,
                _ => CircuitState.Closed,
            };
            _openUntil = _time.GetTimestamp() + (long)(remainingBreakMs / 1000.0 * _time.TimestampFrequency);
        }

        Report();
    }

    /// <summary>The store switched between shared and fallback: the state callers see may have changed.</summary>
    internal void OnHealthChanged() => Report();

    private void Report()
    {
        CircuitState now;
        lock (_gate)
        {
            now = State;
            if (now == _reported)
            {
                return;
            }

            _reported = now;
        }

        StateChanged?.Invoke(now);
    }
}
