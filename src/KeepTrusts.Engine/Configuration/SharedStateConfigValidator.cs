using KeepTrusts.Engine.Keys;
using KeepTrusts.Engine.State;

namespace KeepTrusts.Engine.Configuration;

/// <summary>
/// Checks of <c>gateway.state</c> and <c>gateway.keys</c> (issue 13), kept apart from <see cref="PolicyConfigValidator"/>
/// so the shared-state fields live in one place. Reads environment variable names, never their values.
/// </summary>
internal sealed class SharedStateConfigValidator(List<ConfigDiagnostic> diagnostics, Func<string, bool> environmentHas)
{
    public void Validate(PolicyConfig config)
    {
        if (config.Gateway.State?.Redis is { } redis)
        {
            ValidateRedis(redis);
        }

        if (config.Gateway.Keys is { } keys)
        {
            ValidateKeys(keys, config.SourcePath);
        }
    }

    private void ValidateRedis(RedisStateOptions redis)
    {
        var hasString = !string.IsNullOrWhiteSpace(redis.ConnectionString);
        var hasSecret = redis.SecretKeyRef is not null;
        if (hasString == hasSecret)
        {
            Error(hasString ? DiagnosticCodes.InvalidValue : DiagnosticCodes.MissingField,
                hasString ? "give connection_string or secret_key_ref, not both" : "Redis needs connection_string or secret_key_ref",
                redis, hasString ? "secret_key_ref" : "connection_string",
                "write 'connection_string: 127.0.0.1:6379', or 'secret_key_ref: { env: KT_REDIS }' when the string carries a password");
        }

        if (hasString)
        {
            if (redis.ConnectionString!.Contains("password=", StringComparison.OrdinalIgnoreCase))
            {
                Error(DiagnosticCodes.InvalidValue, "the connection string holds a password in the config file", redis, "connection_string",
                    "move the whole string into an environment variable and reference it with 'secret_key_ref: { env: KT_REDIS }'");
            }
            else
            {
                try
                {
                    RedisGatewayStateStore.ParseConfiguration(redis.ConnectionString!, redis);
                }
                catch (ArgumentException ex)
                {
                    Error(DiagnosticCodes.InvalidValue, ex.Message, redis, "connection_string", "for example 'connection_string: 127.0.0.1:6379'");
                }
            }
        }

        if (redis.SecretKeyRef is { Env.Length: > 0 } secret && !environmentHas(secret.Env))
        {
            Warn(DiagnosticCodes.SecretEnvMissing, $"environment variable '{secret.Env}' for the Redis connection is not set here; the gateway will not start until it is",
                redis, "secret_key_ref", $"set {secret.Env} to the Redis configuration string in the gateway's environment");
        }

        if (string.IsNullOrEmpty(redis.KeyPrefix) || redis.KeyPrefix.Any(char.IsWhiteSpace))
        {
            Error(DiagnosticCodes.InvalidValue, $"key_prefix '{redis.KeyPrefix}' must be non-empty and without spaces", redis, "key_prefix",
                "use a short name ending in a colon, for example 'kt:prod:'");
        }

        Range(redis, "connect_timeout_ms", redis.ConnectTimeoutMs, 100, 30_000, "2000");
        Range(redis, "command_timeout_ms", redis.CommandTimeoutMs, 10, 10_000, "500");
    }

    private void ValidateKeys(VirtualKeysOptions keys, string sourcePath)
    {
        if (string.IsNullOrWhiteSpace(keys.Store))
        {
            return;
        }

        var path = ResolveStorePath(keys.Store, sourcePath);
        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            Error(DiagnosticCodes.InvalidValue, $"the key store's directory '{directory}' does not exist", keys, "store",
                "create the directory, or point 'store' at a file in an existing one (kt keys add creates the file)");
        }
        else if (File.Exists(path))
        {
            // A gateway must not start with a store it cannot read: every key in it would be refused.
            try
            {
                using var store = VirtualKeyStore.Open(path);
            }
            catch (VirtualKeyStoreException ex)
            {
                Error(DiagnosticCodes.InvalidValue, $"the key store cannot be read: {ex.Message}", keys, "store",
                    "fix the file at the position given, or restore it from a backup");
            }
        }
        else
        {
            Warn(DiagnosticCodes.IgnoredField, $"the key store '{path}' does not exist yet: no virtual key is accepted until one is added", keys, "store",
                $"add a key with 'kt keys add --store {keys.Store} --alias <name>' or New-KtGatewayKey");
        }
    }

    /// <summary>The key store's full path: relative paths are relative to the config file (as the audit path is).</summary>
    internal static string ResolveStorePath(string store, string sourcePath)
    {
        var baseDirectory = string.IsNullOrEmpty(sourcePath) ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(sourcePath)!;
        return Path.GetFullPath(Path.Combine(baseDirectory, store));
    }

    private void Range(ConfigSection section, string key, int value, int min, int max, string example)
    {
        if (value < min || value > max)
        {
            Error(DiagnosticCodes.OutOfRange, string.Create(CultureInfo.InvariantCulture, $"{key} {value} is outside {min}..{max}"), section, key, $"use for example {example}");
        }
    }

    private void Error(string code, string message, ConfigSection section, string key, string fix) =>
        diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, code, message, section.LocationOf(key), section.PathOf(key), fix));

    private void Warn(string code, string message, ConfigSection section, string key, string fix) =>
        diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Warning, code, message, section.LocationOf(key), section.PathOf(key), fix));
}
