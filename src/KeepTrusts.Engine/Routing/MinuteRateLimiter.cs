using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Routing;

/// <summary>
/// Requests and tokens per minute over a sliding window of six 10-second buckets. Tokens are reserved up front
/// from an estimate (as Azure's own TPM limiter does) and corrected with the real usage afterwards.
/// </summary>
public sealed class MinuteRateLimiter(RateLimitOptions options, TimeProvider time) : IRateLimiter
{
    private const int Buckets = 6;
    private static readonly long BucketTicks = TimeSpan.FromSeconds(10).Ticks;

    private readonly object _gate = new();
    private readonly long[] _slot = new long[Buckets];
    private readonly long[] _requests = new long[Buckets];
    private readonly long[] _tokens = new long[Buckets];

    public RateLimitOptions Options => options;

    /// <summary>Reserves one request and <paramref name="estimatedTokens"/>; on refusal says how long to wait.</summary>
    public bool TryAcquire(long estimatedTokens, out TimeSpan retryAfter)
    {
        lock (_gate)
        {
            var slot = CurrentSlot(out var now);
            var index = Use(slot);
            long requests = 0, tokens = 0, oldest = slot;
            for (var i = 0; i < Buckets; i++)
            {
                if (_slot[i] > slot - Buckets && (_requests[i] > 0 || _tokens[i] > 0))
                {
                    requests += _requests[i];
                    tokens += _tokens[i];
                    oldest = Math.Min(oldest, _slot[i]);
                }
            }

            // A single request larger than the whole token budget is let through when nothing else is in flight,
            // otherwise it could never run.
            var overRequests = options.RequestsPerMinute is { } rpm && requests + 1 > rpm;
            var overTokens = options.TokensPerMinute is { } tpm && tokens > 0 && tokens + estimatedTokens > tpm;
            if (overRequests || overTokens)
            {
                var wait = TimeSpan.FromTicks(((oldest + Buckets) * BucketTicks) - now);
                retryAfter = wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
                return false;
            }

            _requests[index]++;
            _tokens[index] += estimatedTokens;
            retryAfter = TimeSpan.Zero;
            return true;
        }
    }

    public ValueTask<RateLimitDecision> TryAcquireAsync(long estimatedTokens, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(TryAcquire(estimatedTokens, out var retryAfter) ? RateLimitDecision.Allow : RateLimitDecision.Refuse(retryAfter));

    /// <summary>Replaces an earlier estimate with the tokens the call really used.</summary>
    public void Correct(long estimatedTokens, long actualTokens)
    {
        if (options.TokensPerMinute is null || estimatedTokens == actualTokens)
        {
            return;
        }

        lock (_gate)
        {
            var index = Use(CurrentSlot(out _));
            _tokens[index] = Math.Max(0, _tokens[index] + actualTokens - estimatedTokens);
        }
    }

    private long CurrentSlot(out long now)
    {
        now = time.GetUtcNow().UtcTicks;
        return now / BucketTicks;
    }

    private int Use(long slot)
    {
        var index = (int)(slot % Buckets);
        if (_slot[index] != slot)
        {
            _slot[index] = slot;
            _requests[index] = 0;
            _tokens[index] = 0;
        }

        return index;
    }
}
