using KeepTrusts.Engine.Routing;

namespace KeepTrusts.Engine.Gateway;

/// <summary>What the gateway core reports; the kt host exports it as Prometheus metrics.</summary>
public interface IGatewayMetrics
{
    /// <param name="key">The client key's id or virtual key alias ("" when none): per-key traffic and spend.</param>
    void RequestCompleted(string operation, string model, string target, int status, TimeSpan duration, string key);

    /// <summary>Status 0 means no HTTP answer (connection failure or timeout).</summary>
    void UpstreamAttempt(string target, int status, TimeSpan duration);

    void Retry(string target);

    void Fallback(string fromTarget, string reason);

    void Usage(string target, string model, long promptTokens, long completionTokens, decimal cost, string key);

    void PolicyDecision(string policy, string phase, string action);

    void CircuitStateChanged(string target, CircuitState state);

    void RateLimited(string scope);

    void TimeToFirstByte(string target, TimeSpan duration);

    /// <summary>A client request or an upstream answer that broke the input contract (source: client or upstream; reason: a JsonViolation reason or a limit).</summary>
    void InvalidInput(string source, string reason)
    {
    }
}
