using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Gateway.Server;
using KeepTrusts.Testing;
using Microsoft.AspNetCore.Builder;

namespace KeepTrusts.Engine.Tests.Gateway;

/// <summary>
/// The gateway's spans: a GenAI request span with a child per policy evaluation and per upstream attempt, the caller's
/// trace continued and passed on to the upstream in traceparent; no listener at all unless tracing is configured.
/// </summary>
[Collection(TracingCollection.Name)]
public sealed class GatewayTracingTests
{
    [Fact]
    public async Task A_request_span_has_policy_and_attempt_children_and_the_upstream_gets_its_trace_id()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            // What the kt host's tracer listens to: the engine's spans, ASP.NET Core's server span, HttpClient's client span.
            ShouldListenTo = source => source.Name is GatewayTelemetry.SourceName or "Microsoft.AspNetCore" or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var yaml = GatewayHarness.SingleTarget() + """
            policies:
              chain: [pii-detector, safety-filter]
            """;
        var chain = PolicyChainFactory.Create(PolicyConfigLoader.LoadText(yaml, "chain.yaml", _ => true).Config!);
        await using var gateway = await GatewayHarness.StartAsync(yaml, chain);

        var callerTrace = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o","messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{callerTrace}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await gateway.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var span = await WaitForAsync(stopped, a => a.Source.Name == GatewayTelemetry.SourceName && a.DisplayName == "chat gpt-4o");
        Assert.Equal(callerTrace, span.TraceId);
        Assert.Equal("chat", span.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("gpt-4o", span.GetTagItem("gen_ai.request.model"));
        Assert.Equal("azure.ai.openai", span.GetTagItem("gen_ai.provider.name"));
        Assert.NotNull(span.GetTagItem("gen_ai.response.model"));
        Assert.True((long)span.GetTagItem("gen_ai.usage.input_tokens")! > 0);
        Assert.True((long)span.GetTagItem("gen_ai.usage.output_tokens")! > 0);
        Assert.Equal(200, span.GetTagItem("http.response.status_code"));

        var children = stopped.Where(a => a.ParentSpanId == span.SpanId).ToList();
        Assert.Contains(children, c => c.DisplayName == "policy pii-detector" && (string?)c.GetTagItem("kt.policy.phase") == "request");
        Assert.Contains(children, c => c.DisplayName == "policy safety-filter" && (string?)c.GetTagItem("kt.policy.action") == "allow");
        var attempt = Assert.Single(children, c => c.DisplayName == "upstream azure-a");
        Assert.Equal(ActivityKind.Client, attempt.Kind);
        Assert.Equal(200, attempt.GetTagItem("http.response.status_code"));
        Assert.Equal(0, attempt.GetTagItem("kt.retry"));

        // W3C trace context on to the upstream: the caller's trace id; the parent is HttpClient's span for the call,
        // itself a child of the attempt span (recorded too, so the trace has no gap).
        var traceparent = Assert.Single(gateway.Fake.Requests).Headers["traceparent"].Split('-');
        Assert.Equal(callerTrace.ToHexString(), traceparent[1]);
        var httpSpan = await WaitForAsync(stopped, a => a.SpanId.ToHexString() == traceparent[2]);
        Assert.Equal("System.Net.Http", httpSpan.Source.Name);
        Assert.Equal(attempt.SpanId, httpSpan.ParentSpanId);
    }

    [Fact]
    public async Task Without_tracing_no_span_is_made_per_request_so_no_traceparent_goes_upstream()
    {
        // Nothing listens (no tracing configured, no listener in this process): ASP.NET Core must not start its server
        // span (it would, while its hosting logger is on) and HttpClient must not make one per call and send its id.
        Assert.False(GatewayTelemetry.Source.HasListeners());
        await using var gateway = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o","messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(Assert.Single(gateway.Fake.Requests).Headers.ContainsKey("traceparent"));
    }

    [Fact]
    public async Task A_stream_span_carries_the_model_the_upstream_answered_with()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GatewayTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var gateway = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());

        using var response = await gateway.ChatAsync("hello stream", stream: true);
        Assert.Contains("[DONE]", await response.Content.ReadAsStringAsync());

        var span = await WaitForAsync(stopped, a => a.Source.Name == GatewayTelemetry.SourceName && a.DisplayName == "chat gpt-4o");
        Assert.False(string.IsNullOrEmpty((string?)span.GetTagItem("gen_ai.response.model")));
    }

    [Fact]
    public async Task Without_telemetry_config_nothing_listens_to_the_gateway_source_and_with_it_a_tracer_does()
    {
        const string yaml = """
            pack: { name: quiet }
            providers:
              targets:
                - { id: echo, provider: echo, model: gpt-4o }
            """;
        var off = await StartAsync(yaml);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(GatewayServer.BoundAddress(off)) };
            using var answer = await http.PostAsync("/v1/chat/completions",
                new StringContent("""{"model":"gpt-4o","messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.False(GatewayTelemetry.Source.HasListeners());
        }
        finally
        {
            await StopAsync(off);
        }

        // The collector is never reached here (nothing is exported before the app stops), only configured.
        var on = await StartAsync(yaml + "\ngateway:\n  telemetry:\n    otlp: { endpoint: \"http://127.0.0.1:9\" }\n");
        try
        {
            Assert.True(GatewayTelemetry.Source.HasListeners());
        }
        finally
        {
            await StopAsync(on);
        }

        Assert.False(GatewayTelemetry.Source.HasListeners());
    }

    [Fact]
    public async Task Kt_exports_the_request_span_in_the_callers_trace_to_the_configured_otlp_endpoint()
    {
        await using var collector = await FakeOtlpReceiver.StartAsync();
        var directory = Directory.CreateTempSubdirectory("kt-otel-").FullName;
        try
        {
            var config = Path.Combine(directory, "policy-config.yaml");
            File.WriteAllText(config, $$"""
                pack: { name: traced }
                policies:
                  chain: [pii-detector]
                providers:
                  targets:
                    - { id: echo, provider: echo, model: gpt-4o }
                gateway:
                  telemetry:
                    otlp: { endpoint: "{{collector.BaseUrl}}", service_name: kt-test }
                """);
            await using var kt = KtProcess.Start(["gateway", "run", "--listen", "127.0.0.1:0", "--policy-config", config, "--quiet"],
                new Dictionary<string, string> { ["OTEL_BSP_SCHEDULE_DELAY"] = "100" });
            var url = await kt.WaitForListeningAsync(TimeSpan.FromSeconds(60));
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
            var callerTrace = ActivityTraceId.CreateRandom();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = new StringContent("""{"model":"gpt-4o","messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("traceparent", $"00-{callerTrace}-{ActivitySpanId.CreateRandom()}-01");
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            // OTLP protobuf carries the trace id as 16 raw bytes and names as UTF-8: find them in what kt exported.
            var traceBytes = Convert.FromHexString(callerTrace.ToHexString());
            var watch = Stopwatch.StartNew();
            byte[] exported;
            while (true)
            {
                exported = collector.TraceExports.SelectMany(b => b).ToArray();
                if (Contains(exported, Encoding.UTF8.GetBytes("upstream echo")) && Contains(exported, Encoding.UTF8.GetBytes("chat gpt-4o")))
                {
                    break;
                }

                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"kt exported no request span within 10 s ({collector.TraceExports.Count} export(s))\n{kt.StandardOutput}\n{kt.StandardError}");
                await Task.Delay(50);
            }

            Assert.True(Contains(exported, traceBytes), "the exported spans are not in the caller's trace");
            Assert.True(Contains(exported, Encoding.UTF8.GetBytes("policy pii-detector")));
            Assert.True(Contains(exported, Encoding.UTF8.GetBytes("gen_ai.usage.input_tokens")));
            Assert.True(Contains(exported, Encoding.UTF8.GetBytes("kt-test")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<WebApplication> StartAsync(string yaml)
    {
        var result = PolicyConfigLoader.LoadText(yaml, "tracing.yaml", _ => true);
        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
        var app = GatewayServer.Build(new GatewayServerOptions
        {
            Config = result.Config!,
            Listen = "127.0.0.1:0",
            ReadEnvironment = _ => null,
            Quiet = true,
            ShutdownTimeoutSeconds = 5,
        });
        await app.StartAsync();
        return app;
    }

    private static async Task StopAsync(WebApplication app)
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static async Task<Activity> WaitForAsync(ConcurrentQueue<Activity> stopped, Func<Activity, bool> match)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (stopped.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"no such span; stopped: {string.Join(", ", stopped.Select(a => a.DisplayName))}");
            await Task.Delay(20);
        }
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
