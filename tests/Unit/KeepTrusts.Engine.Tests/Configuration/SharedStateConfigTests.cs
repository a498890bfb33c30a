using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Tests.Configuration;

/// <summary>gateway.state.redis and gateway.keys: bound from YAML and checked with file:line:column, field path and fix.</summary>
public sealed class SharedStateConfigTests
{
    private const string Base = """
        pack:
          name: t
        providers:
          targets:
            - id: a
              provider: echo
              model: gpt-4o
        gateway:
        """;

    private static PolicyConfigLoadResult Load(string gateway, Func<string, bool>? environment = null) =>
        PolicyConfigLoader.LoadText(Base + "\n" + gateway, "test.yaml", environment ?? (_ => true));

    [Fact]
    public void Redis_section_binds_every_field()
    {
        var result = Load("""
              state:
                redis:
                  connection_string: 127.0.0.1:6380
                  key_prefix: "kt:prod:"
                  on_unavailable: deny
                  connect_timeout_ms: 1000
                  command_timeout_ms: 200
            """);

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Diagnostics));
        var redis = result.Config!.Gateway.State!.Redis!;
        Assert.Equal("127.0.0.1:6380", redis.ConnectionString);
        Assert.Equal("kt:prod:", redis.KeyPrefix);
        Assert.Equal(StateFallback.Deny, redis.OnUnavailable);
        Assert.Equal(1000, redis.ConnectTimeoutMs);
        Assert.Equal(200, redis.CommandTimeoutMs);
    }

    [Fact]
    public void Redis_without_connection_is_an_error_at_its_line()
    {
        var result = Load("""
              state:
                redis:
                  key_prefix: "kt:"
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal(DiagnosticCodes.MissingField, error.Code);
        Assert.Equal("gateway.state.redis.connection_string", error.FieldPath);
        Assert.Equal(11, error.Location.Line); // the redis mapping, where the key belongs
        Assert.Contains("secret_key_ref", error.Fix);
    }

    [Fact]
    public void Password_in_the_config_file_is_refused_without_repeating_it()
    {
        var result = Load("""
              state:
                redis:
                  connection_string: 127.0.0.1:6379,password=hunter2
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal("gateway.state.redis.connection_string", error.FieldPath);
        Assert.DoesNotContain("hunter2", error.ToString());
        Assert.Contains("secret_key_ref", error.Fix);
    }

    [Fact]
    public void Unknown_fallback_names_the_allowed_values()
    {
        var result = Load("""
              state:
                redis:
                  connection_string: 127.0.0.1:6379
                  on_unavailable: lokal
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal(DiagnosticCodes.InvalidValue, error.Code);
        Assert.Contains("local", error.Fix);
        Assert.Contains("deny", error.Fix);
    }

    [Fact]
    public void Out_of_range_timeouts_and_an_empty_prefix_are_errors()
    {
        var result = Load("""
              state:
                redis:
                  connection_string: 127.0.0.1:6379
                  key_prefix: ""
                  command_timeout_ms: 0
            """);

        Assert.Equal(["gateway.state.redis.command_timeout_ms", "gateway.state.redis.key_prefix"], result.Errors.Select(e => e.FieldPath).Order());
    }

    [Fact]
    public void Secret_ref_to_an_unset_variable_is_a_warning_naming_it()
    {
        var result = Load("""
              state:
                redis:
                  secret_key_ref:
                    env: KT_REDIS
            """, _ => false);

        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(DiagnosticCodes.SecretEnvMissing, warning.Code);
        Assert.Contains("KT_REDIS", warning.Message);
    }

    [Fact]
    public void Key_store_in_a_missing_directory_is_an_error_and_a_missing_file_a_warning()
    {
        var missingDirectory = Load("""
              keys:
                store: /nonexistent-kt-dir/keys.json
            """);
        var missingFile = Load($"""
              keys:
                store: {Path.Combine(Path.GetTempPath(), "kt-no-such-keys.json")}
            """);

        Assert.Equal("gateway.keys.store", Assert.Single(missingDirectory.Errors).FieldPath);
        Assert.True(missingFile.IsValid);
        Assert.Equal("gateway.keys.store", Assert.Single(missingFile.Warnings).FieldPath);
    }

    [Fact]
    public void Key_store_that_does_not_parse_is_an_error_naming_its_line()
    {
        var store = Path.Combine(Path.GetTempPath(), $"kt-bad-keys-{Guid.NewGuid():N}.json");
        File.WriteAllText(store, "{\n  \"keys\": [ nope ]\n}");
        try
        {
            var result = Load($"""
                  keys:
                    store: {store}
                """);

            var error = Assert.Single(result.Errors);
            Assert.Equal("gateway.keys.store", error.FieldPath);
            Assert.Contains($"{store}:2:", error.Message);
        }
        finally
        {
            File.Delete(store);
        }
    }
}
