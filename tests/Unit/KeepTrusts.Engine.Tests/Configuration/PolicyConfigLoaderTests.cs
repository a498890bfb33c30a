using KeepTrusts.Engine.Configuration;
using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Configuration;

public sealed class PolicyConfigLoaderTests
{
    private static readonly Func<string, bool> NoEnvironment = _ => false;
    private static readonly Func<string, bool> FullEnvironment = _ => true;

    private static PolicyConfigLoadResult Load(string yaml, Func<string, bool>? environment = null) =>
        PolicyConfigLoader.LoadText(yaml, "test.yaml", environment ?? FullEnvironment);

    private const string ValidAzure = """
        pack:
          name: t
        providers:
          targets:
            - id: a
              provider: azure-openai
              model: gpt-4o
              base_url: https://r.openai.azure.com
              azure_api_version: "2024-10-21"
        """;

    public static IEnumerable<object[]> ExampleFiles() =>
        Directory.GetFiles(RepoPaths.Examples, "*.yaml").Order().Select(f => new object[] { Path.GetFileName(f) });

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Every_example_loads_without_errors(string file)
    {
        var result = PolicyConfigLoader.Load(Path.Combine(RepoPaths.Examples, file), FullEnvironment);

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
        Assert.NotNull(result.Config);
        Assert.NotEmpty(result.Config!.Providers.Targets);
    }

    [Fact]
    public void A_directory_given_as_the_config_says_it_is_a_directory_and_names_a_file_to_give()
    {
        var directory = Directory.CreateTempSubdirectory("kt-config-dir-").FullName;
        try
        {
            var error = Assert.Single(PolicyConfigLoader.Load(directory, FullEnvironment).Errors);

            Assert.Equal(DiagnosticCodes.FileUnreadable, error.Code);
            Assert.Contains("it is a directory, not a file", error.Message);
            Assert.DoesNotContain("access is denied", error.Message);
            Assert.Contains(Path.Combine(directory, "policy-config.yaml"), error.Fix);
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    [Fact]
    public void A_tab_used_as_indentation_is_one_sentence_with_one_full_stop()
    {
        var error = Assert.Single(Load("# policy config\npack:\n\tname: t\n").Errors);

        Assert.Equal(DiagnosticCodes.YamlSyntax, error.Code);
        Assert.True(error.Location.Line == 3, error.ToString()); // the line with the tab, not the mapping it is in
        Assert.Contains("invalid tab as indentation. Fix: check the indentation (spaces, not tabs)", error.ToString());
        Assert.DoesNotContain("..", error.ToString());
    }

    [Fact]
    public void There_is_an_example_for_each_of_the_twelve_seed_configs()
    {
        var seeds = Directory.GetFiles(RepoPaths.Examples, "*.yaml").Count(f => char.IsDigit(Path.GetFileName(f)[0]) && !f.EndsWith("13-production.yaml"));
        Assert.Equal(12, seeds);
    }

    [Fact]
    public void Seed_gateway_example_binds_every_section()
    {
        var config = PolicyConfigLoader.Load(Path.Combine(RepoPaths.Examples, "01-azure-openai-gateway.yaml"), FullEnvironment).Config!;

        Assert.Equal("azure-openai-gateway", config.Pack.Name);
        Assert.Equal("1.0.0", config.Pack.Version);
        Assert.True(config.Pack.Enabled);
        Assert.Equal(["prompt-injection", "pii-detector", "safety-filter", "audit-logger"], config.Policies.Chain);
        Assert.Equal(0.8, config.Policy.PromptInjection.Threshold);
        Assert.Equal(PolicyActionOption.Block, config.Policy.PromptInjection.Action);
        Assert.Equal(PolicyActionOption.Redact, config.Policy.PiiDetector.Action);
        Assert.Equal(SafetyMode.Strict, config.Policy.SafetyFilter.Mode);
        Assert.Equal(365, config.Policy.AuditLogger.RetentionDays);
        Assert.Equal(RoutingStrategy.Single, config.Providers.Strategy);
        var target = Assert.Single(config.Providers.Targets);
        Assert.Equal("azure-gpt4o", target.Id);
        Assert.Equal(ProviderKind.AzureOpenAI, target.Provider);
        Assert.Equal("https://my-resource.openai.azure.com", target.BaseUrl);
        Assert.Equal("AZURE_OPENAI_API_KEY", target.SecretKeyRef!.Env);
    }

    [Fact]
    public void Production_example_binds_resilience_auth_and_pricing_fields()
    {
        var config = PolicyConfigLoader.Load(Path.Combine(RepoPaths.Examples, "13-production.yaml"), FullEnvironment).Config!;

        Assert.Equal(RoutingStrategy.Fallback, config.Providers.Strategy);
        Assert.Equal(2, config.Providers.Retry.MaxRetries);
        Assert.Equal([429, 500, 502, 503, 504], config.Providers.Retry.RetryOn);
        Assert.Equal(5, config.Providers.CircuitBreaker.ConsecutiveFailures);
        var east = config.Providers.Targets[0];
        Assert.Equal(AzureAuthType.ManagedIdentity, east.AzureAuth!.Type);
        Assert.Equal("00000000-0000-0000-0000-000000000000", east.AzureAuth.ClientId);
        Assert.Equal("gpt-4o-prod", east.EffectiveDeployment);
        Assert.Equal(2.50m, east.Pricing!.InputPerMillion);
        Assert.Equal(1000, east.RateLimit!.RequestsPerMinute);
        Assert.Equal("keeptrusts", east.Headers["X-MS-CLIENT-REQUEST-SOURCE"]);
        Assert.Equal(30, east.HealthProbe!.IntervalSeconds);
        var west = config.Providers.Targets[1];
        Assert.Equal(AzureAuthType.ManagedIdentity, west.AzureAuth!.Type);
        Assert.Null(west.AzureAuth.ClientId);
        Assert.Equal("web-frontend", config.Gateway.ClientKeys[0].Id);
    }

    [Fact]
    public void Omitted_strategy_is_single_for_one_target_and_fallback_for_several()
    {
        var one = PolicyConfigLoader.Load(Path.Combine(RepoPaths.Examples, "02-api-key-auth.yaml"), FullEnvironment).Config!;
        var two = PolicyConfigLoader.Load(Path.Combine(RepoPaths.Examples, "05-multi-region-failover.yaml"), FullEnvironment).Config!;

        Assert.Null(one.Providers.Strategy);
        Assert.Equal(RoutingStrategy.Single, one.Providers.EffectiveStrategy);
        Assert.Equal(RoutingStrategy.Fallback, two.Providers.EffectiveStrategy);
        Assert.Equal(["azure-eastus-primary", "azure-westeurope-failover"], two.Providers.Targets.Select(t => t.Id));
    }

    [Fact]
    public void Missing_azure_api_version_is_a_warning_naming_the_GA_version()
    {
        var result = PolicyConfigLoader.Load(Path.Combine(RepoPaths.Examples, "02-api-key-auth.yaml"), FullEnvironment);

        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Warnings, w => w.Code == DiagnosticCodes.DefaultApiVersion);
        Assert.Contains(TargetOptions.DefaultAzureApiVersion, warning.Message);
        Assert.Equal("providers.targets[0].azure_api_version", warning.FieldPath);
        Assert.Equal(TargetOptions.DefaultAzureApiVersion, result.Config!.Providers.Targets[0].EffectiveAzureApiVersion);
    }

    [Fact]
    public void Provider_defaults_follow_the_seed()
    {
        var config = PolicyConfigLoader.Load(Path.Combine(RepoPaths.Examples, "07-cross-provider-fallback.yaml"), FullEnvironment).Config!;
        var azure = config.Providers.Targets[0];
        var openai = config.Providers.Targets[1];

        Assert.Equal("api-key", azure.EffectiveApiKeyHeader);
        Assert.Equal(string.Empty, azure.EffectiveApiKeyPrefix);
        Assert.Equal("Authorization", openai.EffectiveApiKeyHeader);
        Assert.Equal("Bearer ", openai.EffectiveApiKeyPrefix);
        Assert.Equal("gpt-4o", azure.EffectiveDeployment);
        Assert.Equal(60, azure.TimeoutSeconds);
        Assert.Equal(1.0, azure.Weight);
        Assert.Equal("openai", azure.Format);
    }

    [Fact]
    public void Typo_key_and_missing_model_are_both_reported_with_line_and_column()
    {
        var result = Load("""
            pack:
              name: t
            providers:
              targets:
                - id: a
                  provider: azure-openai
                  base_ulr: https://r.openai.azure.com
            """);

        Assert.False(result.IsValid);
        var typo = Assert.Single(result.Errors, e => e.Code == DiagnosticCodes.UnknownKey);
        Assert.Equal((7, 7), (typo.Location.Line, typo.Location.Column));
        Assert.Equal("providers.targets[0].base_ulr", typo.FieldPath);
        Assert.Contains("did you mean 'base_url'", typo.Fix);
        var missing = Assert.Single(result.Errors, e => e.Code == DiagnosticCodes.MissingField && e.FieldPath.EndsWith(".model"));
        Assert.Equal("providers.targets[0].model", missing.FieldPath);
        Assert.Equal(5, missing.Location.Line);
        Assert.StartsWith("test.yaml:5:", missing.ToString());
    }

    [Fact]
    public void Missing_id_provider_and_model_are_each_reported()
    {
        var result = Load("""
            pack:
              name: t
            providers:
              targets:
                - description: nothing else
            """);

        var missing = result.Errors.Where(e => e.Code == DiagnosticCodes.MissingField).Select(e => e.FieldPath).ToList();
        Assert.Contains("providers.targets[0].id", missing);
        Assert.Contains("providers.targets[0].provider", missing);
        Assert.Contains("providers.targets[0].model", missing);
    }

    [Fact]
    public void Azure_target_without_base_url_is_an_error()
    {
        var result = Load("""
            pack: { name: t }
            providers:
              targets:
                - { id: a, provider: azure-openai, model: gpt-4o }
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal(DiagnosticCodes.MissingField, error.Code);
        Assert.Equal("providers.targets[0].base_url", error.FieldPath);
    }

    [Fact]
    public void Wrong_types_are_reported_at_the_value()
    {
        var result = Load("""
            pack:
              name: t
              enabled: sometimes
            policy:
              prompt-injection:
                threshold: high
            providers:
              targets:
                - id: a
                  provider: echo
                  model: m
                  timeout_seconds: [1, 2]
                  headers: just-a-string
            """);

        var errors = result.Errors.Where(e => e.Code == DiagnosticCodes.WrongType).ToDictionary(e => e.FieldPath);
        Assert.Equal(3, errors["pack.enabled"].Location.Line);
        Assert.Equal(12, errors["pack.enabled"].Location.Column);
        Assert.Contains("true or false", errors["pack.enabled"].Message);
        Assert.Equal(6, errors["policy.prompt-injection.threshold"].Location.Line);
        Assert.Contains("a list", errors["providers.targets[0].timeout_seconds"].Message);
        Assert.Contains("mapping", errors["providers.targets[0].headers"].Message);
    }

    [Fact]
    public void Invalid_enum_value_suggests_the_closest_one()
    {
        var result = Load("""
            pack: { name: t }
            providers:
              strategy: weighted_roundrobin
              targets:
                - { id: a, provider: azure-opnai, model: m, base_url: https://r.openai.azure.com }
            """);

        Assert.DoesNotContain(result.Errors, e => e.FieldPath == "providers.strategy");
        var provider = Assert.Single(result.Errors, e => e.FieldPath == "providers.targets[0].provider");
        Assert.Equal(DiagnosticCodes.InvalidValue, provider.Code);
        Assert.Contains("did you mean 'azure-openai'", provider.Fix);
    }

    [Fact]
    public void Duplicate_target_ids_name_the_first_occurrence()
    {
        var result = Load("""
            pack: { name: t }
            providers:
              strategy: fallback
              targets:
                - { id: a, provider: echo, model: m }
                - { id: a, provider: echo, model: m }
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal(DiagnosticCodes.DuplicateTargetId, error.Code);
        Assert.Equal(6, error.Location.Line);
        Assert.Contains("line 5", error.Message);
    }

    [Fact]
    public void Chain_naming_an_unknown_policy_points_at_the_entry()
    {
        var result = Load("""
            pack: { name: t }
            policies:
              chain:
                - prompt-injection
                - pii-detecter
            providers:
              targets:
                - { id: a, provider: echo, model: m }
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal(DiagnosticCodes.UnknownPolicy, error.Code);
        Assert.Equal("policies.chain[1]", error.FieldPath);
        Assert.Equal(5, error.Location.Line);
        Assert.Contains("did you mean 'pii-detector'", error.Fix);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    public void Threshold_outside_zero_to_one_is_an_error(string threshold)
    {
        var result = Load($$"""
            pack: { name: t }
            policies: { chain: [prompt-injection] }
            policy:
              prompt-injection:
                threshold: {{threshold}}
            providers:
              targets:
                - { id: a, provider: echo, model: m }
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal(DiagnosticCodes.OutOfRange, error.Code);
        Assert.Equal("policy.prompt-injection.threshold", error.FieldPath);
        Assert.Equal(5, error.Location.Line);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://r.openai.azure.com")]
    [InlineData("/relative/path")]
    public void Unparsable_base_url_is_an_error(string url)
    {
        var result = Load($$"""
            pack: { name: t }
            providers:
              targets:
                - id: a
                  provider: azure-openai
                  model: m
                  base_url: "{{url}}"
                  azure_api_version: "2024-10-21"
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal(DiagnosticCodes.InvalidUrl, error.Code);
        Assert.Equal("providers.targets[0].base_url", error.FieldPath);
        Assert.Equal(7, error.Location.Line);
    }

    [Fact]
    public void All_problems_are_reported_at_once()
    {
        var result = Load("""
            pack:
              nam: t
            policies:
              chain: [prompt-injection, nope]
            policy:
              prompt-injection: { threshold: 2 }
            providers:
              targets:
                - { id: a, provider: azure-openai, modle: gpt-4o, base_url: "::" }
                - { id: a, provider: echo, model: m }
            """);

        var codes = result.Errors.Select(e => e.Code).ToList();
        Assert.Contains(DiagnosticCodes.UnknownKey, codes);
        Assert.Contains(DiagnosticCodes.MissingField, codes);
        Assert.Contains(DiagnosticCodes.UnknownPolicy, codes);
        Assert.Contains(DiagnosticCodes.OutOfRange, codes);
        Assert.Contains(DiagnosticCodes.InvalidUrl, codes);
        Assert.Contains(DiagnosticCodes.DuplicateTargetId, codes);
        Assert.True(result.Errors.Count() >= 7, string.Join(Environment.NewLine, result.Errors));
        Assert.All(result.Errors, e => Assert.True(e.Location.Line > 0, e.ToString()));
    }

    [Fact]
    public void Missing_secret_variable_is_a_warning_that_never_reads_the_value()
    {
        var asked = new List<string>();
        var result = Load(ValidAzure, name => { asked.Add(name); return false; });

        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Warnings, w => w.Code == DiagnosticCodes.SecretEnvMissing);
        Assert.Contains("AZURE_OPENAI_API_KEY", warning.Message);
        Assert.Equal(["AZURE_OPENAI_API_KEY"], asked);
    }

    [Fact]
    public void Secret_value_never_appears_in_diagnostics()
    {
        const string secret = "sk-very-secret-value-123456";
        Environment.SetEnvironmentVariable("KT_TEST_SECRET_FOR_LOADER", secret);
        try
        {
            var result = PolicyConfigLoader.LoadText("""
                pack: { name: t }
                providers:
                  targets:
                    - id: a
                      provider: openai
                      model: m
                      secret_key_ref: { env: KT_TEST_SECRET_FOR_LOADER }
                      base_url: not-a-url
                """, "t.yaml");

            Assert.NotEmpty(result.Diagnostics);
            Assert.DoesNotContain(result.Diagnostics, d => d.ToString().Contains(secret));
        }
        finally
        {
            Environment.SetEnvironmentVariable("KT_TEST_SECRET_FOR_LOADER", null);
        }
    }

    [Fact]
    public void Yaml_syntax_error_gives_line_and_column()
    {
        var result = Load("""
            pack:
              name: t
             providers: [
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal(DiagnosticCodes.YamlSyntax, error.Code);
        Assert.True(error.Location.Line >= 2);
        Assert.Null(result.Config);
    }

    [Fact]
    public void Missing_file_is_a_diagnostic_not_an_exception()
    {
        var result = PolicyConfigLoader.Load("/nonexistent/dir/policy-config.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Equal(DiagnosticCodes.FileUnreadable, error.Code);
        Assert.Contains("does not exist", error.Message);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void Duplicate_keys_are_reported()
    {
        var result = Load("""
            pack:
              name: t
              name: u
            providers:
              targets:
                - { id: a, provider: echo, model: m }
            """);

        var error = Assert.Single(result.Errors);
        Assert.True(error.Code is DiagnosticCodes.DuplicateKey or DiagnosticCodes.YamlSyntax, error.ToString());
        Assert.Equal(3, error.Location.Line);
    }

    [Fact]
    public void Azure_auth_accepts_a_scalar_or_a_mapping_and_makes_the_key_optional()
    {
        var result = Load("""
            pack: { name: t }
            providers:
              targets:
                - id: a
                  provider: azure-openai
                  model: m
                  base_url: https://r.openai.azure.com
                  azure_api_version: "2024-10-21"
                  azure_auth: managed_identity
                - id: b
                  provider: azure-openai
                  model: n
                  base_url: https://r.openai.azure.com
                  azure_api_version: "2024-10-21"
                  azure_auth: { type: managed_identity, client_id: abc }
            """, NoEnvironment);

        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        Assert.DoesNotContain(result.Warnings, w => w.Code == DiagnosticCodes.SecretEnvMissing);
        Assert.Equal("abc", result.Config!.Providers.Targets[1].AzureAuth!.ClientId);
    }

    [Fact]
    public void Header_carrying_a_credential_or_a_line_break_is_rejected()
    {
        var result = Load("""
            pack: { name: t }
            providers:
              targets:
                - id: a
                  provider: openai
                  model: m
                  headers:
                    Authorization: Bearer sk-abc
                    X-Ok: "a\r\nX-Injected: 1"
            """);

        Assert.Equal(2, result.Errors.Count(e => e.Code == DiagnosticCodes.InvalidHeader));
        Assert.DoesNotContain(result.Diagnostics, d => d.ToString().Contains("sk-abc"));
    }

    [Fact]
    public void Resilience_fields_are_range_checked()
    {
        var result = Load("""
            pack: { name: t }
            providers:
              retry: { max_retries: 50, base_delay_ms: 500, max_delay_ms: 100, retry_on: [200] }
              circuit_breaker: { failure_ratio: 1.5, break_seconds: 0 }
              targets:
                - id: a
                  provider: echo
                  model: m
                  rate_limit: { requests_per_minute: 0 }
            """);

        var paths = result.Errors.Select(e => e.FieldPath).ToList();
        Assert.Contains("providers.retry.max_retries", paths);
        Assert.Contains("providers.retry.base_delay_ms", paths);
        Assert.Contains("providers.retry.retry_on[0]", paths);
        Assert.Contains("providers.circuit_breaker.failure_ratio", paths);
        Assert.Contains("providers.circuit_breaker.break_seconds", paths);
        Assert.Contains("providers.targets[0].rate_limit.requests_per_minute", paths);
    }

    [Fact]
    public void Unknown_policy_settings_key_suggests_the_policy_name()
    {
        var result = Load("""
            pack: { name: t }
            policy:
              pii-detecter: { action: redact }
            providers:
              targets:
                - { id: a, provider: echo, model: m }
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal(DiagnosticCodes.UnknownKey, error.Code);
        Assert.Contains("did you mean 'pii-detector'", error.Fix);
    }

    [Fact]
    public void Diagnostic_renders_as_a_compiler_style_line()
    {
        var result = Load("""
            pack: { name: t }
            providers:
              targets:
                - { id: a, provider: echo, modle: m }
            """);

        var line = result.Errors.First(e => e.Code == DiagnosticCodes.UnknownKey).ToString();
        Assert.Matches(@"^test\.yaml:4:\d+: error KT1002: unknown key 'modle' .*\(at providers\.targets\[0\]\.modle\)\. Fix: did you mean 'model'\?", line);
    }

    [Fact]
    public void LoadValid_throws_with_every_error_listed()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kt-invalid-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "pack: { name: t }\nproviders:\n  targets:\n    - { id: a, provider: echo }\n    - { id: a, provider: echo, model: m }\n");
        try
        {
            var ex = Assert.Throws<PolicyConfigException>(() => PolicyConfigLoader.LoadValid(path));
            Assert.Contains("KT1003", ex.Message);
            Assert.Contains("KT1006", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
