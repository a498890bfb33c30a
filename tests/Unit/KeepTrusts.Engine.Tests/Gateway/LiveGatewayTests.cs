using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Gateway.Reload;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Tests.Gateway;

/// <summary>The generation swap behind live reload: in-flight requests keep their generation, which is released only after them.</summary>
public sealed class LiveGatewayTests
{
    private static PolicyConfig Config(string pack) =>
        PolicyConfigLoader.LoadText($$"""
            pack: { name: {{pack}} }
            providers:
              targets:
                - { id: echo, provider: echo, model: gpt-4o }
            """, "live.yaml", _ => true).Config!;

    private static GatewayGeneration Generation(int number, string pack, Action onDrained)
    {
        var config = Config(pack);
        var composition = GatewayComposition.Borrowing(PolicyChain.Empty, null);
        return new GatewayGeneration(number, config, new GatewayPipeline(config, composition), new ClientKeyAuthenticator(config.Gateway, _ => null), composition, onDrained);
    }

    [Fact]
    public void A_replaced_generation_is_released_only_after_its_last_request_ends()
    {
        var released = new List<int>();
        var live = new LiveGateway(Generation(0, "old", () => released.Add(0)));
        var inFlight = live.Acquire();

        live.Swap(Generation(1, "new", () => released.Add(1)));

        Assert.Equal("old", inFlight.Pipeline.Config.Pack.Name);
        using (var next = live.Acquire())
        {
            Assert.Equal("new", next.Pipeline.Config.Pack.Name);
        }

        Assert.Empty(released);
        inFlight.Dispose();
        inFlight.Dispose();
        Assert.Equal([0], released);

        live.Dispose();
        Assert.Equal([0, 1], released);
    }

    [Fact]
    public void TryAcquire_after_dispose_and_drain_gives_null_instead_of_spinning()
    {
        var live = new LiveGateway(Generation(0, "only", () => { }));
        using (var before = live.TryAcquire())
        {
            Assert.Equal("only", before!.Pipeline.Config.Pack.Name);
        }

        live.Dispose();

        Assert.Null(live.TryAcquire());
    }

    [Fact]
    public void A_generation_with_no_request_in_flight_is_released_at_the_swap()
    {
        var released = 0;
        var live = new LiveGateway(Generation(0, "old", () => released++));
        live.Acquire().Dispose();

        live.Swap(Generation(1, "new", () => { }));

        Assert.Equal(1, released);
        Assert.True(live.Acquire().Generation.Number == 1);
    }

    [Fact]
    public void Restart_only_settings_keep_their_running_values_and_are_named()
    {
        var running = PolicyConfigLoader.LoadText("""
            pack: { name: a }
            policies: { chain: [pii-detector, audit-logger] }
            policy: { audit-logger: { path: audit } }
            providers: { targets: [ { id: echo, provider: echo, model: gpt-4o } ] }
            gateway: { max_request_body_bytes: 1000, limits: { max_json_depth: 10 } }
            """, "a.yaml", _ => true).Config!;
        var next = PolicyConfigLoader.LoadText("""
            pack: { name: b }
            policies: { chain: [safety-filter] }
            policy: { audit-logger: { path: elsewhere } }
            providers: { targets: [ { id: echo, provider: echo, model: gpt-4o } ] }
            gateway: { max_request_body_bytes: 2000, limits: { max_json_depth: 20 } }
            """, "b.yaml", _ => true).Config!;

        var changed = RestartOnlySettings.KeepRunningValues(running, next);

        Assert.Equal(["policy.audit-logger", "policies.chain (removing audit-logger)", "gateway.max_request_body_bytes"], changed);
        Assert.Equal("audit", next.Policy.AuditLogger.Path);
        Assert.Equal(["safety-filter", "audit-logger"], next.Policies.Chain);
        Assert.Equal(1000, next.Gateway.MaxRequestBodyBytes);
        // Checked per request, so it applies live.
        Assert.Equal(20, next.Gateway.Limits.MaxJsonDepth);
        Assert.Equal("b", next.Pack.Name);
    }

    [Fact]
    public async Task In_process_limits_and_breakers_carry_over_to_a_reloaded_config_unless_their_settings_changed()
    {
        await using var store = new KeepTrusts.Engine.State.LocalGatewayStateStore(TimeProvider.System);
        var limiter = store.CreateRateLimiter("client:a", new RateLimitOptions { RequestsPerMinute = 1 });
        Assert.True((await limiter.TryAcquireAsync(0, CancellationToken.None)).Allowed);

        // The reloaded config asks again with the same limit: the minute's window is the one already used up.
        var same = store.CreateRateLimiter("client:a", new RateLimitOptions { RequestsPerMinute = 1 });
        Assert.False((await same.TryAcquireAsync(0, CancellationToken.None)).Allowed);

        // A changed limit starts a fresh limiter with the new setting.
        var raised = store.CreateRateLimiter("client:a", new RateLimitOptions { RequestsPerMinute = 5 });
        Assert.True((await raised.TryAcquireAsync(0, CancellationToken.None)).Allowed);

        var breaker = store.CreateCircuitBreaker("east", new CircuitBreakerOptions());
        Assert.Same(breaker, store.CreateCircuitBreaker("east", new CircuitBreakerOptions()));
        Assert.NotSame(breaker, store.CreateCircuitBreaker("east", new CircuitBreakerOptions { BreakSeconds = 7 }));
    }
}
