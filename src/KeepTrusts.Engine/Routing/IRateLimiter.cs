namespace KeepTrusts.Engine.Routing;

/// <summary>
/// A request/token budget the gateway asks before a call (per target, per client key). In-process today
/// (<see cref="MinuteRateLimiter"/>); a store shared by replicas fits behind the same two calls.
/// </summary>
public interface IRateLimiter
{
    /// <summary>Reserves one request and <paramref name="estimatedTokens"/>; on refusal says how long to wait.</summary>
    bool TryAcquire(long estimatedTokens, out TimeSpan retryAfter);

    /// <summary>Replaces an earlier estimate with the tokens the call really used.</summary>
    void Correct(long estimatedTokens, long actualTokens);
}
