using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Routing;

/// <summary>
/// Requests and tokens per minute for one scope (a target, a client key). In-process: <see cref="MinuteRateLimiter"/>;
/// across replicas: the Redis store's limiter. Tokens are reserved from an estimate and corrected after the answer.
/// </summary>
public interface IRateLimiter
{
    RateLimitOptions Options { get; }

    /// <summary>
    /// Reserves one request and <paramref name="estimatedTokens"/>. Kept for today's synchronous call sites; a shared
    /// limiter answers it with one bounded round trip, so request pipelines should await <see cref="TryAcquireAsync"/>.
    /// </summary>
    bool TryAcquire(long estimatedTokens, out TimeSpan retryAfter);

    /// <summary>Reserves one request and <paramref name="estimatedTokens"/>; on refusal says how long to wait.</summary>
    ValueTask<RateLimitDecision> TryAcquireAsync(long estimatedTokens, CancellationToken cancellationToken = default);

    /// <summary>Replaces an earlier estimate with the tokens the call really used (never blocks).</summary>
    void Correct(long estimatedTokens, long actualTokens);
}
