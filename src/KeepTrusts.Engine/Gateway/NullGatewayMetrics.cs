using KeepTrusts.Engine.Routing;

namespace KeepTrusts.Engine.Gateway;

/// <summary>Metrics that go nowhere (Invoke-KtChat in-process, tests).</summary>
public sealed class NullGatewayMetrics : IGatewayMetrics
{
    public static readonly NullGatewayMetrics Instance = new();

    public void RequestCompleted(string operation, string model, string target, int status, TimeSpan duration, string key)
    {
    }

    public void UpstreamAttempt(string target, int status, TimeSpan duration)
    {
    }

    public void Retry(string target)
    {
    }

    public void Fallback(string fromTarget, string reason)
    {
    }

    public void Usage(string target, string model, long promptTokens, long completionTokens, decimal cost, string key)
    {
    }

    public void PolicyDecision(string policy, string phase, string action)
    {
    }

    public void CircuitStateChanged(string target, CircuitState state)
    {
    }

    public void RateLimited(string scope)
    {
    }

    public void TimeToFirstByte(string target, TimeSpan duration)
    {
    }
}
