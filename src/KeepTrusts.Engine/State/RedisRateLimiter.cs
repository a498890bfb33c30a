using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Routing;
using StackExchange.Redis;

namespace KeepTrusts.Engine.State;

/// <summary>
/// One limit shared by every replica: the check and the reservation are one Lua script, so N replicas together allow
/// exactly the configured rate. While Redis is away, <c>on_unavailable: local</c> uses this replica's own
/// <see cref="MinuteRateLimiter"/> and <c>deny</c> refuses.
/// </summary>
public sealed class RedisRateLimiter : IRateLimiter
{
    private static readonly TimeSpan DenyRetryAfter = TimeSpan.FromSeconds(1);

    private readonly RedisGatewayStateStore _store;
    private readonly RedisKey[] _keys;
    private readonly MinuteRateLimiter _local;

    internal RedisRateLimiter(RedisGatewayStateStore store, string key, RateLimitOptions options, MinuteRateLimiter local)
    {
        _store = store;
        _keys = [key];
        _local = local;
        Options = options;
    }

    public RateLimitOptions Options { get; }

    public bool TryAcquire(long estimatedTokens, out TimeSpan retryAfter)
    {
        var decision = Decide(_store.TryEvaluate(RedisScripts.RateLimitAcquire, _keys, Arguments(estimatedTokens)), estimatedTokens);
        retryAfter = decision.RetryAfter;
        return decision.Allowed;
    }

    public async ValueTask<RateLimitDecision> TryAcquireAsync(long estimatedTokens, CancellationToken cancellationToken = default)
    {
        var result = await _store.TryEvaluateAsync(RedisScripts.RateLimitAcquire, _keys, Arguments(estimatedTokens))
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return Decide(result, estimatedTokens);
    }

    public void Correct(long estimatedTokens, long actualTokens)
    {
        if (Options.TokensPerMinute is null || estimatedTokens == actualTokens)
        {
            return;
        }

        if (_store.Health != GatewayStateHealth.Shared)
        {
            _local.Correct(estimatedTokens, actualTokens);
            return;
        }

        // Not awaited: the answer is already on its way to the client; a lost correction only errs for one window.
        _ = _store.TryEvaluateAsync(RedisScripts.RateLimitCorrect, _keys, [actualTokens - estimatedTokens]);
    }

    private RedisValue[] Arguments(long estimatedTokens) =>
        [Options.RequestsPerMinute ?? -1, Options.TokensPerMinute ?? -1, estimatedTokens];

    private RateLimitDecision Decide(RedisResult? result, long estimatedTokens)
    {
        if (result is null)
        {
            if (_store.Fallback == StateFallback.Deny)
            {
                return RateLimitDecision.Refuse(DenyRetryAfter);
            }

            return _local.TryAcquire(estimatedTokens, out var localWait) ? RateLimitDecision.Allow : RateLimitDecision.Refuse(localWait);
        }

        var values = (RedisResult[])result!;
        if ((long)values[0] == 1)
        {
            return RateLimitDecision.Allow;
        }

        var wait = TimeSpan.FromMilliseconds((long)values[1]);
        return RateLimitDecision.Refuse(wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait);
    }
}
