using System.Diagnostics;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Routing;
using KeepTrusts.Engine.State;
using KeepTrusts.Testing.Redis;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace KeepTrusts.Engine.Tests.State;

/// <summary>
/// The shared state store against a real redis-server. Each "replica" is its own store with its own connection,
/// as separate kt processes would hold them.
/// </summary>
public sealed class SharedStateRedisTests : IDisposable
{
    // Generous: a call that takes this long has hung (commands time out after 500 ms, connects after 2 s).
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(5);

    private readonly List<IGatewayStateStore> _stores = [];
    private RedisServer? _redis;

    private RedisServer Redis => _redis ??= RedisServer.Start();

    [RequiresRedisFact]
    public async Task Sixty_requests_per_minute_across_three_replicas_allows_sixty_in_total()
    {
        var limit = new RateLimitOptions { RequestsPerMinute = 60 };
        var replicas = await ReplicasAsync(3);
        var limiters = replicas.Select(r => r.CreateRateLimiter("target:east", limit)).ToArray();

        // 30 requests per replica, all at once: 90 offered, as three busy replicas would see them.
        var attempts = limiters.SelectMany(l => Enumerable.Range(0, 30).Select(_ => Task.Run(async () => await l.TryAcquireAsync(10)))).ToArray();
        var decisions = await Task.WhenAll(attempts);

        Assert.Equal(60, decisions.Count(d => d.Allowed));
        var refused = decisions.First(d => !d.Allowed);
        Assert.InRange(refused.RetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.False(limiters[1].TryAcquire(10, out var wait), "the synchronous form sees the same shared window");
        Assert.True(wait >= TimeSpan.FromSeconds(1));
    }

    [RequiresRedisFact]
    public async Task Token_reservation_corrected_by_one_replica_frees_tokens_for_another()
    {
        var limit = new RateLimitOptions { TokensPerMinute = 1000 };
        var replicas = await ReplicasAsync(2);
        var a = replicas[0].CreateRateLimiter("client:team-a", limit);
        var b = replicas[1].CreateRateLimiter("client:team-a", limit);

        Assert.True((await a.TryAcquireAsync(900)).Allowed);
        Assert.False((await b.TryAcquireAsync(800)).Allowed, "900 + 800 reserved tokens exceed 1000");

        a.Correct(estimatedTokens: 900, actualTokens: 100);
        await WaitUntilAsync(async () => (await b.TryAcquireAsync(800)).Allowed, "the correction reaches the shared window");
    }

    [RequiresRedisFact]
    public async Task Breaker_opened_by_one_replica_is_seen_by_another()
    {
        var options = new CircuitBreakerOptions { ConsecutiveFailures = 3, BreakSeconds = 30 };
        var replicas = await ReplicasAsync(2);
        var a = (RedisCircuitBreaker)replicas[0].CreateCircuitBreaker("east", options);
        var b = replicas[1].CreateCircuitBreaker("east", options);
        // Raised on the subscription's thread just after B's state changes: a concurrent queue, and waited for below.
        var seenByB = new System.Collections.Concurrent.ConcurrentQueue<CircuitState>();
        b.StateChanged += seenByB.Enqueue;

        for (var i = 0; i < 3; i++)
        {
            await a.RecordAsync("f");
        }

        Assert.Equal(CircuitState.Open, a.State);
        await WaitUntilAsync(() => Task.FromResult(b.State == CircuitState.Open), "replica B sees the circuit A opened");
        Assert.False(b.IsAvailable);
        Assert.False(b.TryAcquire());
        await WaitUntilAsync(() => Task.FromResult(seenByB.Contains(CircuitState.Open)), "replica B reports the change to Open");
    }

    [RequiresRedisFact]
    public async Task Failures_on_different_replicas_add_up_to_one_open_circuit()
    {
        var options = new CircuitBreakerOptions { ConsecutiveFailures = 4, BreakSeconds = 30 };
        var replicas = await ReplicasAsync(2);
        var a = (RedisCircuitBreaker)replicas[0].CreateCircuitBreaker("west", options);
        var b = (RedisCircuitBreaker)replicas[1].CreateCircuitBreaker("west", options);

        await a.RecordAsync("f");
        await b.RecordAsync("f");
        await a.RecordAsync("f");
        Assert.Equal(CircuitState.Closed, b.State);
        await b.RecordAsync("f");

        Assert.Equal(CircuitState.Open, b.State);
        await WaitUntilAsync(() => Task.FromResult(a.State == CircuitState.Open), "replica A sees the circuit opened by the fourth failure");
    }

    [RequiresRedisFact]
    public async Task Half_open_probe_goes_to_one_replica_and_its_success_closes_the_circuit_everywhere()
    {
        // The probe is handed out again after break_seconds (in case its holder died), so the break must outlast however
        // long a loaded machine takes between the three calls below. Nothing waits for it: the test moves both clocks.
        var options = new CircuitBreakerOptions { ConsecutiveFailures = 1, BreakSeconds = 60 };
        var clock = new FakeTimeProvider();
        var replicas = await ReplicasAsync(3, clock);
        var breakers = replicas.Select(r => (RedisCircuitBreaker)r.CreateCircuitBreaker("north", options)).ToArray();
        // Every replica has read the closed circuit before it opens, so from here only the open message changes them.
        await Task.WhenAll(breakers.Select(b => b.RefreshAsync()));

        await breakers[0].RecordAsync("f");
        foreach (var breaker in breakers)
        {
            await WaitUntilAsync(() => Task.FromResult(breaker.State == CircuitState.Open), "every replica sees the circuit open");
        }

        Assert.All(breakers, b => Assert.False(b.TryAcquire(), "no call goes to the target during the break"));

        await PassBreakAsync(replicas[0], "north", options, clock);
        var granted = breakers.Select(b => b.TryAcquire()).ToArray();
        Assert.Equal(1, granted.Count(g => g));

        await breakers[Array.IndexOf(granted, true)].RecordAsync("s");
        foreach (var breaker in breakers)
        {
            await WaitUntilAsync(() => Task.FromResult(breaker.State == CircuitState.Closed), "every replica sees the circuit closed");
        }
    }

    [RequiresRedisFact]
    public async Task Redis_killed_mid_way_falls_back_to_local_limits_and_shares_again_after_restart()
    {
        var limit = new RateLimitOptions { RequestsPerMinute = 5 };
        var replicas = await ReplicasAsync(2);
        var a = replicas[0].CreateRateLimiter("target:east", limit);
        var b = replicas[1].CreateRateLimiter("target:east", limit);
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await (i % 2 == 0 ? a : b).TryAcquireAsync(1)).Allowed);
        }

        Assert.False((await a.TryAcquireAsync(1)).Allowed, "the shared limit of 5 is used up");

        Redis.Kill();
        var watch = Stopwatch.StartNew();
        var duringOutage = await a.TryAcquireAsync(1);
        Assert.True(watch.Elapsed < HangBound, $"a limit check with Redis down took {watch.Elapsed}");
        Assert.True(duringOutage.Allowed, "on_unavailable: local enforces this replica's own (fresh) window");
        Assert.Equal(GatewayStateHealth.Degraded, replicas[0].Health);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(a.TryAcquire(1, out _));
        }

        Assert.False(a.TryAcquire(1, out _), "the local fallback still enforces 5 per minute in this replica");

        Redis.Restart();
        foreach (var replica in replicas)
        {
            Assert.True(await ((RedisGatewayStateStore)replica).WaitUntilSharedAsync(TimeSpan.FromSeconds(15)), "the store reconnects on its own");
        }

        // The restarted Redis is empty: the shared window starts again and is shared again.
        var afterRestart = new List<bool>();
        for (var i = 0; i < 6; i++)
        {
            afterRestart.Add((await (i % 2 == 0 ? a : b).TryAcquireAsync(1)).Allowed);
        }

        Assert.Equal([true, true, true, true, true, false], afterRestart);
    }

    [RequiresRedisFact]
    public async Task Deny_fallback_refuses_while_redis_is_down()
    {
        var replica = await ReplicaAsync(new RedisStateOptions { ConnectionString = Redis.ConnectionString, OnUnavailable = StateFallback.Deny });
        var limiter = replica.CreateRateLimiter("client:team-b", new RateLimitOptions { RequestsPerMinute = 100 });
        Assert.True((await limiter.TryAcquireAsync(1)).Allowed);

        Redis.Kill();
        var decision = await limiter.TryAcquireAsync(1);

        Assert.False(decision.Allowed);
        Assert.Equal(TimeSpan.FromSeconds(1), decision.RetryAfter);
    }

    [RequiresRedisFact]
    public async Task Breaker_falls_back_to_local_state_while_redis_is_down()
    {
        var options = new CircuitBreakerOptions { ConsecutiveFailures = 2, BreakSeconds = 30 };
        var replica = await ReplicaAsync(null);
        var breaker = (RedisCircuitBreaker)replica.CreateCircuitBreaker("south", options);
        await breaker.RecordAsync("s");

        Redis.Kill();
        var watch = Stopwatch.StartNew();
        await breaker.RecordAsync("f");
        await breaker.RecordAsync("f");

        Assert.True(watch.Elapsed < HangBound, $"recording outcomes with Redis down took {watch.Elapsed}");
        Assert.Equal(GatewayStateHealth.Degraded, replica.Health);
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.False(breaker.TryAcquire());
    }

    [Fact]
    public async Task Store_whose_redis_does_not_answer_starts_at_once_and_enforces_local_limits()
    {
        // A loopback port nobody listens on: connecting fails, nothing waits for it.
        var port = FreePort();
        var watch = Stopwatch.StartNew();
        var store = GatewayStateStoreFactory.Create(ConfigWith(new RedisStateOptions { ConnectionString = $"127.0.0.1:{port}" }));
        _stores.Add(store);
        var limiter = store.CreateRateLimiter("target:east", new RateLimitOptions { RequestsPerMinute = 1 });

        var first = await limiter.TryAcquireAsync(1);
        var second = await limiter.TryAcquireAsync(1);

        Assert.True(watch.Elapsed < HangBound, $"creating the store and two limit checks took {watch.Elapsed}");
        Assert.Equal(GatewayStateHealth.Degraded, store.Health);
        Assert.True(first.Allowed);
        Assert.False(second.Allowed);
    }

    [RequiresRedisFact]
    public async Task Replica_started_before_redis_shares_state_once_redis_comes_up()
    {
        Redis.Kill();
        var late = GatewayStateStoreFactory.Create(ConfigWith(new RedisStateOptions { ConnectionString = Redis.ConnectionString }));
        _stores.Add(late);
        var options = new CircuitBreakerOptions { ConsecutiveFailures = 1, BreakSeconds = 30 };
        var lateBreaker = late.CreateCircuitBreaker("east", options);
        Assert.Equal(GatewayStateHealth.Degraded, late.Health);

        Redis.Restart();
        Assert.True(await ((RedisGatewayStateStore)late).WaitUntilSharedAsync(TimeSpan.FromSeconds(15)), "the late replica connects once Redis is up");
        var other = (RedisCircuitBreaker)(await ReplicaAsync(null)).CreateCircuitBreaker("east", options);
        await other.RecordAsync("f");

        await WaitUntilAsync(() => Task.FromResult(lateBreaker.State == CircuitState.Open), "the late replica receives the breaker message");
    }

    [RequiresRedisFact]
    public async Task Spend_added_on_two_replicas_is_one_daily_and_monthly_total()
    {
        var replicas = await ReplicasAsync(2);
        await replicas[0].Spend.AddAsync("team-a", 0.25m);
        await replicas[1].Spend.AddAsync("team-a", 0.5m);
        await replicas[1].Spend.AddAsync("team-b", 9m);

        var totals = await replicas[0].Spend.GetAsync("team-a");

        Assert.Equal(new SpendTotals(0.75m, 0.75m), totals);
    }

    [Fact]
    public void Without_redis_config_the_store_is_local()
    {
        var store = GatewayStateStoreFactory.Create(new PolicyConfig());

        Assert.IsType<LocalGatewayStateStore>(store);
        Assert.Equal(GatewayStateHealth.Local, store.Health);
    }

    [Fact]
    public void Secret_ref_to_an_unset_variable_is_refused_with_the_field_and_the_fix()
    {
        var config = ConfigWith(new RedisStateOptions { SecretKeyRef = new SecretKeyRef { Env = "KT_TEST_REDIS_UNSET" } });

        var ex = Assert.Throws<ArgumentException>(() => GatewayStateStoreFactory.Create(config, _ => null));

        Assert.Contains("gateway.state.redis.secret_key_ref.env", ex.Message);
        Assert.Contains("KT_TEST_REDIS_UNSET", ex.Message);
    }

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        _redis?.Dispose();
    }

    // Tests of sharing, not of timeouts: on a loaded machine (three kt processes in a parallel test) the default 500 ms
    // can pass, and the fallback would then count locally and make the shared totals look wrong.
    private const int SharingCommandTimeoutMs = 5000;

    private async Task<IGatewayStateStore[]> ReplicasAsync(int count, TimeProvider? time = null)
    {
        var replicas = new IGatewayStateStore[count];
        for (var i = 0; i < count; i++)
        {
            replicas[i] = await ReplicaAsync(null, time);
        }

        return replicas;
    }

    private async Task<IGatewayStateStore> ReplicaAsync(RedisStateOptions? options, TimeProvider? time = null)
    {
        var store = GatewayStateStoreFactory.Create(ConfigWith(options ?? new RedisStateOptions { ConnectionString = Redis.ConnectionString, CommandTimeoutMs = SharingCommandTimeoutMs }), time: time);
        _stores.Add(store);
        // Bounded on the real clock too: a fake one never ends the store's own wait.
        var shared = await ((RedisGatewayStateStore)store).WaitUntilSharedAsync(TimeSpan.FromSeconds(10)).WaitAsync(TimeSpan.FromSeconds(15));
        Assert.True(shared, "the store connects to the test's redis-server");
        return store;
    }

    /// <summary>
    /// Ends a breaker's break without waiting for it: on Redis's clock (the scripts time the break with TIME, from the
    /// 'opened' field of the breaker's hash) and on the replicas' clock (their mirrors time it locally).
    /// </summary>
    private async Task PassBreakAsync(IGatewayStateStore replica, string targetId, CircuitBreakerOptions options, FakeTimeProvider clock)
    {
        var breakMs = options.BreakSeconds * 1000L;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);
        await redis.GetDatabase().HashIncrementAsync(((RedisGatewayStateStore)replica).KeyPrefix + "cb:" + targetId, "opened", -breakMs);
        clock.Advance(TimeSpan.FromMilliseconds(breakMs));
    }

    private static PolicyConfig ConfigWith(RedisStateOptions redis) =>
        new() { Gateway = new GatewayOptions { State = new GatewayStateOptions { Redis = redis } } };

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < HangBound, $"timed out waiting until {what}");
            await Task.Delay(20);
        }
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
