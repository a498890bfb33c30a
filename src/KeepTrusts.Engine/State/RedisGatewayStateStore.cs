using System.Collections.Concurrent;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace KeepTrusts.Engine.State;

/// <summary>
/// State shared by every replica through one Redis. Connecting happens in the background and never blocks start-up
/// or a request: until Redis answers, and whenever it stops answering, the store is <see cref="GatewayStateHealth.Degraded"/>
/// and limits follow <c>on_unavailable</c> (local limits with a warning, or refusal); StackExchange.Redis reconnects
/// on its own and the shared state takes over again. Commands fail fast while disconnected and time out after
/// <c>command_timeout_ms</c> otherwise, so no call waits longer than that.
/// </summary>
public sealed class RedisGatewayStateStore : IGatewayStateStore
{
    private readonly RedisStateOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Task _connecting;
    private readonly ConcurrentDictionary<string, RedisCircuitBreaker> _breakers = new(StringComparer.Ordinal);
    private readonly RedisChannel _breakerChannel;
    private ConnectionMultiplexer? _redis;
    private int _degradedLogged;
    private int _subscribed;
    private volatile bool _disposed;

    private RedisGatewayStateStore(string configuration, RedisStateOptions options, ILogger logger, TimeProvider time)
    {
        _options = options;
        _logger = logger;
        _time = time;
        _breakerChannel = RedisChannel.Literal(options.KeyPrefix + "cb");
        Spend = new RedisSpendCounter(this, time);
        _connecting = ConnectAsync(configuration);
    }

    public GatewayStateHealth Health => _redis is { IsConnected: true } ? GatewayStateHealth.Shared : GatewayStateHealth.Degraded;

    public ISpendCounter Spend { get; }

    internal StateFallback Fallback => _options.OnUnavailable;

    internal string KeyPrefix => _options.KeyPrefix;

    internal RedisChannel BreakerChannel => _breakerChannel;

    /// <summary>
    /// Starts connecting to <paramref name="configuration"/> (a StackExchange.Redis configuration string) and returns at once.
    /// Throws <see cref="ArgumentException"/> when the string cannot be parsed (its text is not repeated: it may hold a password).
    /// </summary>
    public static RedisGatewayStateStore Connect(string configuration, RedisStateOptions options, ILogger? logger = null, TimeProvider? time = null)
    {
        ParseConfiguration(configuration, options);
        return new RedisGatewayStateStore(configuration, options, logger ?? NullLogger.Instance, time ?? TimeProvider.System);
    }

    /// <summary>Waits (at most <paramref name="timeout"/>) until Redis answers; true when it does. For start-up logs and tests.</summary>
    public async Task<bool> WaitUntilSharedAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = _time.GetTimestamp();
        await _connecting.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        while (Health != GatewayStateHealth.Shared && _time.GetElapsedTime(deadline) < timeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken).ConfigureAwait(false);
        }

        return Health == GatewayStateHealth.Shared;
    }

    public IRateLimiter CreateRateLimiter(string scope, RateLimitOptions options) =>
        new RedisRateLimiter(this, _options.KeyPrefix + "rl:" + scope, options, new MinuteRateLimiter(options, _time));

    public ICircuitBreaker CreateCircuitBreaker(string targetId, CircuitBreakerOptions options)
    {
        var local = new CircuitBreaker(options, _time);
        if (!options.Enabled)
        {
            return local;
        }

        // A live reload with changed breaker settings gets a breaker with those settings (messages go to the newest).
        var breaker = _breakers.AddOrUpdate(targetId, id => new RedisCircuitBreaker(this, id, options, local, _time),
            (id, existing) => Gateway.Reload.RestartOnlySettings.Fingerprint(existing.Options) == Gateway.Reload.RestartOnlySettings.Fingerprint(options)
                ? existing
                : new RedisCircuitBreaker(this, id, options, local, _time));
        _ = breaker.RefreshAsync();
        return breaker;
    }

    /// <summary>Runs a script; null (and the fallback) when Redis is away, slow or refuses.</summary>
    internal async Task<RedisResult?> TryEvaluateAsync(string script, RedisKey[] keys, RedisValue[] values)
    {
        if (_redis is not { IsConnected: true } redis || _disposed)
        {
            NoteUnavailable(null);
            return null;
        }

        try
        {
            return await redis.GetDatabase().ScriptEvaluateAsync(script, keys, values).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            NoteUnavailable(ex);
            return null;
        }
    }

    /// <summary>The synchronous form, for call sites that cannot await; bounded by command_timeout_ms.</summary>
    internal RedisResult? TryEvaluate(string script, RedisKey[] keys, RedisValue[] values)
    {
        if (_redis is not { IsConnected: true } redis || _disposed)
        {
            NoteUnavailable(null);
            return null;
        }

        try
        {
            return redis.GetDatabase().ScriptEvaluate(script, keys, values);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            NoteUnavailable(ex);
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        try
        {
            await _connecting.ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            // Nothing to close.
        }

        if (_redis is { } redis)
        {
            await redis.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            redis.Dispose();
        }
    }

    internal static ConfigurationOptions ParseConfiguration(string configuration, RedisStateOptions options)
    {
        ConfigurationOptions parsed;
        try
        {
            parsed = ConfigurationOptions.Parse(configuration);
        }
        catch (ArgumentException)
        {
            throw new ArgumentException("the Redis configuration string cannot be parsed; write it as host:port[,option=value...], for example 127.0.0.1:6379");
        }

        if (parsed.EndPoints.Count == 0)
        {
            throw new ArgumentException("the Redis configuration string names no endpoint; write it as host:port, for example 127.0.0.1:6379");
        }

        // Never block start-up on Redis and never queue commands while it is away: a limit check must answer now.
        parsed.AbortOnConnectFail = false;
        parsed.ConnectTimeout = options.ConnectTimeoutMs;
        parsed.SyncTimeout = options.CommandTimeoutMs;
        parsed.AsyncTimeout = options.CommandTimeoutMs;
        parsed.ConnectRetry = 1;
        parsed.BacklogPolicy = BacklogPolicy.FailFast;
        parsed.ReconnectRetryPolicy = new ExponentialRetry(250, 2000);
        parsed.ClientName ??= "kt-gateway";
        return parsed;
    }

    private async Task ConnectAsync(string configuration)
    {
        try
        {
            // With AbortOnConnectFail off this returns a multiplexer even when Redis is down; it keeps retrying.
            var redis = await ConnectionMultiplexer.ConnectAsync(ParseConfiguration(configuration, _options)).ConfigureAwait(false);
            redis.ConnectionFailed += (_, e) =>
            {
                if (e.ConnectionType == ConnectionType.Interactive)
                {
                    NoteUnavailable(e.Exception);
                }
            };
            redis.ConnectionRestored += (_, e) =>
            {
                if (e.ConnectionType == ConnectionType.Interactive)
                {
                    OnRestored();
                }
            };
            _redis = redis;
            if (_disposed)
            {
                redis.Dispose();
                return;
            }

            if (redis.IsConnected)
            {
                OnRestored();
            }
            else
            {
                NoteUnavailable(null);
            }
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            NoteUnavailable(ex);
        }
    }

    /// <summary>Subscribes to breaker messages once Redis answers (StackExchange.Redis renews it after reconnects).</summary>
    private async Task SubscribeAsync(ConnectionMultiplexer redis)
    {
        if (Interlocked.Exchange(ref _subscribed, 1) == 1)
        {
            return;
        }

        try
        {
            await redis.GetSubscriber().SubscribeAsync(_breakerChannel, (_, message) => OnBreakerMessage(message)).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            Interlocked.Exchange(ref _subscribed, 0);
            NoteUnavailable(ex);
        }
    }

    private void OnBreakerMessage(RedisValue message)
    {
        var parts = ((string?)message ?? string.Empty).Split('\n');
        if (parts.Length == 3 && _breakers.TryGetValue(parts[0], out var breaker) && long.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var remaining))
        {
            breaker.Apply(parts[1], remaining);
        }
    }

    private void OnRestored()
    {
        if (_redis is { } redis)
        {
            _ = SubscribeAsync(redis);
        }

        if (Interlocked.Exchange(ref _degradedLogged, 0) == 1)
        {
            StateLog.SharedStateRestored(_logger);
        }

        // Messages sent while this replica was away are lost: read every breaker again.
        foreach (var breaker in _breakers.Values)
        {
            breaker.OnHealthChanged();
            _ = breaker.RefreshAsync();
        }
    }

    private void NoteUnavailable(Exception? ex)
    {
        if (_disposed || Interlocked.Exchange(ref _degradedLogged, 1) == 1)
        {
            return;
        }

        StateLog.SharedStateUnavailable(_logger, ex?.GetType().Name ?? "not connected",
            _options.OnUnavailable == StateFallback.Local ? "each replica enforces limits on its own" : "rate-limited requests are refused");
        foreach (var breaker in _breakers.Values)
        {
            breaker.OnHealthChanged();
        }
    }

    // No call passes a token, so a cancelled command is the multiplexer abandoning it when the connection drops (seen
    // as TaskCanceledException while Redis was killed): an outage like the others, not the caller giving up.
    private static bool IsRedisFailure(Exception ex) =>
        ex is RedisException or TimeoutException or ObjectDisposedException or InvalidOperationException or OperationCanceledException;
}
