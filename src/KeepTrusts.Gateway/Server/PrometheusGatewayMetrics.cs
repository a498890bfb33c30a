using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Routing;
using Prometheus;

namespace KeepTrusts.Gateway.Server;

/// <summary>The gateway core's metrics as Prometheus series, in a registry of this server's own.</summary>
public sealed class PrometheusGatewayMetrics : IGatewayMetrics
{
    private static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly Counter _requests;
    private readonly Histogram _requestDuration;
    private readonly Counter _upstreamAttempts;
    private readonly Histogram _upstreamDuration;
    private readonly Counter _retries;
    private readonly Counter _fallbacks;
    private readonly Counter _tokens;
    private readonly Counter _cost;
    private readonly Counter _decisions;
    private readonly Gauge _circuit;
    private readonly Counter _rateLimited;
    private readonly Histogram _timeToFirstByte;
    private readonly Counter _invalidInput;

    public PrometheusGatewayMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        _invalidInput = factory.CreateCounter("kt_invalid_input_total", "Client requests and upstream answers that broke the input contract, by source and reason.", "source", "reason");
        _requests = factory.CreateCounter("kt_requests_total", "Client requests answered, by operation, model, target, status and client key (id or virtual key alias).", "operation", "model", "target", "status", "key");
        _requestDuration = factory.CreateHistogram("kt_request_duration_seconds", "Time from request to the end of the answer.",
            new HistogramConfiguration { LabelNames = ["operation", "target"], Buckets = LatencyBuckets });
        _upstreamAttempts = factory.CreateCounter("kt_upstream_attempts_total", "Upstream attempts by target and HTTP status (0 = no answer).", "target", "status");
        _upstreamDuration = factory.CreateHistogram("kt_upstream_duration_seconds", "Upstream time to response headers (streams) or full body.",
            new HistogramConfiguration { LabelNames = ["target"], Buckets = LatencyBuckets });
        _retries = factory.CreateCounter("kt_retries_total", "Retries by target.", "target");
        _fallbacks = factory.CreateCounter("kt_fallbacks_total", "Moves to the next target, by the target left and why.", "from", "reason");
        _tokens = factory.CreateCounter("kt_tokens_total", "Tokens used, by target, model, kind (prompt, completion) and client key.", "target", "model", "kind", "key");
        _cost = factory.CreateCounter("kt_cost_usd_total", "Cost in USD from the targets' pricing, by target, model and client key.", "target", "model", "key");
        _decisions = factory.CreateCounter("kt_policy_decisions_total", "Policy decisions by policy, phase and action.", "policy", "phase", "action");
        _circuit = factory.CreateGauge("kt_circuit_state", "Circuit state per target: 0 closed, 1 half-open, 2 open.", "target");
        _rateLimited = factory.CreateCounter("kt_rate_limited_total", "Requests refused by a rate limit, by scope (client, target).", "scope");
        _timeToFirstByte = factory.CreateHistogram("kt_stream_time_to_first_byte_seconds", "Streams: time from request to the first byte sent to the client.",
            new HistogramConfiguration { LabelNames = ["target"], Buckets = LatencyBuckets });
        // The process's own cost, read at scrape time: bytes allocated per request is the load-independent measure of
        // the hop's work (the load benchmark divides it by requests), and the managed heap explains resident memory.
        var allocated = factory.CreateGauge("kt_process_allocated_bytes", "Managed bytes allocated since the process started (a running total).");
        var heap = factory.CreateGauge("kt_process_gc_heap_bytes", "Managed heap size after the last garbage collection.");
        Registry.AddBeforeCollectCallback(() =>
        {
            allocated.Set(GC.GetTotalAllocatedBytes());
            heap.Set(GC.GetGCMemoryInfo().HeapSizeBytes);
        });
    }

    public CollectorRegistry Registry { get; }

    // Label values go to prometheus-net as a span on the stack: WithLabels(params string[]) made an array per series
    // touched, about fifteen per answered request with a policy chain.

    public void InitializeTargets(IEnumerable<string> targets)
    {
        foreach (var target in targets)
        {
            _circuit.WithLabels((ReadOnlySpan<string>)[target]).Set(0);
        }
    }

    public void RequestCompleted(string operation, string model, string target, int status, TimeSpan duration, string key)
    {
        _requests.WithLabels((ReadOnlySpan<string>)[operation, model, target, status.ToString(System.Globalization.CultureInfo.InvariantCulture), key]).Inc();
        _requestDuration.WithLabels((ReadOnlySpan<string>)[operation, target]).Observe(duration.TotalSeconds);
    }

    public void UpstreamAttempt(string target, int status, TimeSpan duration)
    {
        _upstreamAttempts.WithLabels((ReadOnlySpan<string>)[target, status.ToString(System.Globalization.CultureInfo.InvariantCulture)]).Inc();
        _upstreamDuration.WithLabels((ReadOnlySpan<string>)[target]).Observe(duration.TotalSeconds);
    }

    public void Retry(string target) => _retries.WithLabels((ReadOnlySpan<string>)[target]).Inc();

    public void Fallback(string fromTarget, string reason) => _fallbacks.WithLabels((ReadOnlySpan<string>)[fromTarget, reason]).Inc();

    public void Usage(string target, string model, long promptTokens, long completionTokens, decimal cost, string key)
    {
        _tokens.WithLabels((ReadOnlySpan<string>)[target, model, "prompt", key]).Inc(promptTokens);
        _tokens.WithLabels((ReadOnlySpan<string>)[target, model, "completion", key]).Inc(completionTokens);
        _cost.WithLabels((ReadOnlySpan<string>)[target, model, key]).Inc((double)cost);
    }

    public void PolicyDecision(string policy, string phase, string action) => _decisions.WithLabels((ReadOnlySpan<string>)[policy, phase, action]).Inc();

    public void CircuitStateChanged(string target, CircuitState state) =>
        _circuit.WithLabels((ReadOnlySpan<string>)[target]).Set(state switch { CircuitState.Open => 2, CircuitState.HalfOpen => 1, _ => 0 });

    public void RateLimited(string scope) => _rateLimited.WithLabels((ReadOnlySpan<string>)[scope]).Inc();

    public void TimeToFirstByte(string target, TimeSpan duration) => _timeToFirstByte.WithLabels((ReadOnlySpan<string>)[target]).Observe(duration.TotalSeconds);

    public void InvalidInput(string source, string reason) => _invalidInput.WithLabels((ReadOnlySpan<string>)[source, reason]).Inc();
}
