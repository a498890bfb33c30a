namespace KeepTrusts.Engine.Routing;

/// <summary>A rate limiter's answer: allowed, or refused with how long to wait.</summary>
public readonly record struct RateLimitDecision(bool Allowed, TimeSpan RetryAfter)
{
    public static RateLimitDecision Allow { get; } = new(true, TimeSpan.Zero);

    public static RateLimitDecision Refuse(TimeSpan retryAfter) => new(false, retryAfter);
}
