using System.Runtime.CompilerServices;
using KeepTrusts.Engine.Configuration;
using Microsoft.Extensions.Logging;

namespace KeepTrusts.Engine.State;

/// <summary>The state store a config asks for: Redis when <c>gateway.state.redis</c> is set, in-process otherwise.</summary>
public static class GatewayStateStoreFactory
{
    /// <summary>
    /// Builds the store; a Redis store starts connecting in the background and is usable at once (degraded until connected).
    /// Throws <see cref="ArgumentException"/> naming the field when the connection string cannot be had or parsed.
    /// </summary>
    public static IGatewayStateStore Create(PolicyConfig config, Func<string, string?>? readEnvironment = null, ILogger? logger = null, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        if (config.Gateway.State?.Redis is not { } redis)
        {
            return new LocalGatewayStateStore(time);
        }

        var configuration = redis.ConnectionString;
        if (redis.SecretKeyRef is { Env.Length: > 0 } secret)
        {
            configuration = (readEnvironment ?? Environment.GetEnvironmentVariable)(secret.Env);
            if (string.IsNullOrWhiteSpace(configuration))
            {
                throw new ArgumentException(
                    $"gateway.state.redis.secret_key_ref.env: environment variable '{secret.Env}' is not set; set it to the Redis configuration string (for example 127.0.0.1:6379,password=...)");
            }
        }

        if (string.IsNullOrWhiteSpace(configuration))
        {
            throw new ArgumentException("gateway.state.redis: give connection_string or secret_key_ref.env");
        }

        try
        {
            return ConnectRedis(configuration, redis, logger, time);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"gateway.state.redis: {ex.Message}", ex);
        }
    }

    // A method of its own so the JIT loads StackExchange.Redis (1.1 MB mapped, plus its types) only for a config that
    // uses Redis: compiling Create would load it for every gateway (bench/README.md, "Round 4").
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IGatewayStateStore ConnectRedis(string configuration, RedisStateOptions redis, ILogger? logger, TimeProvider time) =>
        RedisGatewayStateStore.Connect(configuration, redis, logger, time);
}
