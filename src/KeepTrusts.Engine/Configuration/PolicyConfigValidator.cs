namespace KeepTrusts.Engine.Configuration;

/// <summary>
/// Checks that need the whole bound config: duplicate ids, chain names, ranges, URLs, provider-specific rules,
/// and the warnings the seed's own contradictions call for (default api-version, implied strategy).
/// Reads environment variable names, never their values.
/// </summary>
internal sealed class PolicyConfigValidator(List<ConfigDiagnostic> diagnostics, Func<string, bool> environmentHas)
{
    public void Validate(PolicyConfig config)
    {
        ValidatePack(config.Pack);
        ValidateChain(config);
        ValidatePolicySettings(config.Policy);
        new PromptInjectionLayerValidator(diagnostics, environmentHas).Validate(config.Policy.PromptInjection, Policies.PolicyChainFactory.ConfigDirectory(config));
        ValidateProviders(config.Providers);
        ValidateGateway(config.Gateway);
        new SharedStateConfigValidator(diagnostics, environmentHas).Validate(config);
        new TelemetryConfigValidator(diagnostics).Validate(config.Gateway);
    }

    private void ValidatePack(PackOptions pack)
    {
        if (pack.HasKey("enabled") && !pack.Enabled)
        {
            Warn(DiagnosticCodes.PackDisabled, "the pack is disabled: requests pass through without the policy chain", pack, "enabled",
                "set 'enabled: true' to enforce the chain");
        }
    }

    private void ValidateChain(PolicyConfig config)
    {
        var chain = config.Policies.Chain;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < chain.Count; i++)
        {
            var name = chain[i];
            var path = string.Create(CultureInfo.InvariantCulture, $"policies.chain[{i}]");
            if (!PolicyNames.All.Contains(name))
            {
                var suggestion = DidYouMean.Suggest(name, PolicyNames.All);
                diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, DiagnosticCodes.UnknownPolicy,
                    $"the chain names unknown policy '{name}'", ItemLocation(config.Policies, "chain", i), path,
                    (suggestion is null ? string.Empty : $"did you mean '{suggestion}'? ") + $"known policies: {string.Join(", ", PolicyNames.All)}"));
            }
            else if (!seen.Add(name))
            {
                diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, DiagnosticCodes.DuplicateChainEntry,
                    $"policy '{name}' appears more than once in the chain", ItemLocation(config.Policies, "chain", i), path,
                    "list each policy once"));
            }
        }

        foreach (var (_, key) in ConfigBinder.KeysOf(typeof(PolicySettings)))
        {
            if (config.Policy.HasKey(key.Key) && !chain.Contains(key.Key))
            {
                Warn(DiagnosticCodes.PolicyNotInChain, $"settings for '{key.Key}' are given but the policy is not in policies.chain, so they have no effect",
                    config.Policy, key.Key, $"add '- {key.Key}' to policies.chain, or remove these settings");
            }
        }
    }

    private void ValidatePolicySettings(PolicySettings policy)
    {
        var injection = policy.PromptInjection;
        if (injection.Threshold is < 0 or > 1)
        {
            Error(DiagnosticCodes.OutOfRange, string.Create(CultureInfo.InvariantCulture, $"threshold {injection.Threshold} is outside 0..1"), injection, "threshold",
                "use a score between 0 and 1, for example 0.8 (higher blocks less)");
        }

        if (injection.Action == PolicyActionOption.Redact)
        {
            Error(DiagnosticCodes.UnsupportedAction, "prompt-injection cannot redact: an injection is a property of the whole request", injection, "action",
                "use 'block' or 'log'");
        }

        var pii = policy.PiiDetector;
        for (var i = 0; i < pii.Entities.Count; i++)
        {
            var entity = pii.Entities[i];
            if (!PiiEntityNames.All.Contains(entity))
            {
                var suggestion = DidYouMean.Suggest(entity, PiiEntityNames.All);
                diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, DiagnosticCodes.InvalidValue,
                    $"unknown PII entity '{entity}'", ItemLocation(pii, "entities", i), string.Create(CultureInfo.InvariantCulture, $"{pii.PathOf("entities")}[{i}]"),
                    (suggestion is null ? string.Empty : $"did you mean '{suggestion}'? ") + $"known entities: {string.Join(", ", PiiEntityNames.All)}"));
            }
        }

        var safety = policy.SafetyFilter;
        if (safety.Action == PolicyActionOption.Redact)
        {
            Error(DiagnosticCodes.UnsupportedAction, "safety-filter cannot redact", safety, "action", "use 'block' or 'log'");
        }

        var audit = policy.AuditLogger;
        if (audit.RetentionDays < 1)
        {
            Error(DiagnosticCodes.OutOfRange, string.Create(CultureInfo.InvariantCulture, $"retention_days {audit.RetentionDays} must be at least 1"), audit, "retention_days",
                "give the number of days to keep audit files, for example 365");
        }

        if (string.IsNullOrWhiteSpace(audit.Path))
        {
            Error(DiagnosticCodes.InvalidValue, "audit-logger path is empty", audit, "path", "give a directory, for example 'audit'");
        }

        if (audit.HeadKeyRef is { } headKey)
        {
            ValidateSecretRef(headKey);
        }

        if (audit.ShipToBlob is { } ship)
        {
            ValidateBlobShipping(ship);
        }
    }

    private void ValidateProviders(ProvidersOptions providers)
    {
        if (providers.HasKey("targets") && providers.Targets.Count == 0)
        {
            Error(DiagnosticCodes.MissingField, "providers.targets is empty", providers, "targets", "add at least one target with id, provider and model");
        }

        ValidateRetry(providers.Retry);
        ValidateCircuitBreaker(providers.CircuitBreaker);

        var ids = new Dictionary<string, TargetOptions>(StringComparer.Ordinal);
        foreach (var target in providers.Targets)
        {
            if (!string.IsNullOrEmpty(target.Id) && !ids.TryAdd(target.Id, target))
            {
                var first = ids[target.Id];
                Error(DiagnosticCodes.DuplicateTargetId, string.Create(CultureInfo.InvariantCulture, $"target id '{target.Id}' is already used at line {first.LocationOf("id").Line}"), target, "id",
                    "give every target a unique id");
            }

            ValidateTarget(target, providers.EffectiveStrategy);
        }

        if (providers.EffectiveStrategy == RoutingStrategy.WeightedRoundRobin)
        {
            foreach (var group in providers.Targets.GroupBy(t => t.Model))
            {
                if (group.All(t => t.Weight <= 0))
                {
                    var target = group.First();
                    Error(DiagnosticCodes.OutOfRange, $"every target of model '{group.Key}' has weight 0, so none can be chosen", target, "weight",
                        "give at least one of them a positive weight");
                }
            }
        }

        if (providers.EffectiveStrategy == RoutingStrategy.Single)
        {
            foreach (var group in providers.Targets.GroupBy(t => t.Model).Where(g => g.Count() > 1))
            {
                foreach (var unreachable in group.Skip(1))
                {
                    Warn(DiagnosticCodes.UnreachableTarget, $"strategy 'single' uses only the first target of model '{group.Key}' ('{group.First().Id}'); '{unreachable.Id}' is never used",
                        unreachable, "model", "use 'strategy: fallback' or 'weighted_round_robin', or remove the target");
                }
            }
        }
    }

    private void ValidateTarget(TargetOptions target, RoutingStrategy strategy)
    {
        var provider = target.Provider;
        if (target.BaseUrl is { } baseUrl)
        {
            if (Uri.TryCreate(baseUrl, UriKind.Absolute, out var withCredentials) && !string.IsNullOrEmpty(withCredentials.UserInfo))
            {
                // The upstream call never sends URL credentials, so they would be dropped silently; and they are a secret in plain config.
                Error(DiagnosticCodes.InvalidUrl, $"base_url of target '{target.Id}' carries credentials (user:password@{withCredentials.Host}); they are not sent and must not be in the config", target, "base_url",
                    $"remove the 'user:password@' part (base_url: {withCredentials.Scheme}://{withCredentials.Authority}{withCredentials.AbsolutePath.TrimEnd('/')}) and put the key in an environment variable referenced by secret_key_ref.env");
            }
            else if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || string.IsNullOrEmpty(uri.Host))
            {
                Error(DiagnosticCodes.InvalidUrl, $"base_url {SecretLookalike.Quote(baseUrl)} is not an absolute http(s) URL", target, "base_url",
                    provider == ProviderKind.AzureOpenAI ? "use the resource URL, for example https://my-resource.openai.azure.com" : "use an absolute URL such as https://api.openai.com");
            }
            else if (provider == ProviderKind.AzureOpenAI && uri.AbsolutePath.Contains("/openai/deployments", StringComparison.OrdinalIgnoreCase))
            {
                Error(DiagnosticCodes.InvalidUrl, "base_url already contains the deployment path; the gateway builds /openai/deployments/<deployment>/... itself", target, "base_url",
                    "set base_url to the resource URL only (https://<resource>.openai.azure.com) and the deployment in azure_deployment");
            }
        }
        else if (provider == ProviderKind.AzureOpenAI && target.HasKey("provider"))
        {
            Error(DiagnosticCodes.MissingField, $"target '{target.Id}' uses azure-openai but has no base_url", target, "base_url",
                "add 'base_url: https://<resource>.openai.azure.com'");
        }

        if (provider == ProviderKind.AzureOpenAI)
        {
            if (target.AzureApiVersion is null)
            {
                Warn(DiagnosticCodes.DefaultApiVersion, $"target '{target.Id}' sets no azure_api_version; the GA api-version {TargetOptions.DefaultAzureApiVersion} is used", target, "azure_api_version",
                    $"set 'azure_api_version: {TargetOptions.DefaultAzureApiVersion}' (or the version your deployment needs) to make it explicit");
            }

            if (target.PathTemplate is { } template)
            {
                if (!template.StartsWith('/'))
                {
                    Error(DiagnosticCodes.InvalidValue, $"path_template '{template}' must start with '/'", target, "path_template",
                        "for example '/openai/deployments/{deployment}/chat/completions'");
                }
                else if (!template.Contains("{deployment}", StringComparison.Ordinal))
                {
                    Warn(DiagnosticCodes.PathTemplateWithoutDeployment, $"path_template '{template}' has no {{deployment}} placeholder, so every request goes to the same path", target, "path_template",
                        "add {deployment} where the deployment name belongs");
                }
            }
        }
        else
        {
            foreach (var azureOnly in new[] { "azure_api_version", "azure_deployment", "azure_auth", "path_template" })
            {
                if (target.HasKey(azureOnly))
                {
                    Warn(DiagnosticCodes.IgnoredField, $"'{azureOnly}' applies only to azure-openai targets and is ignored for '{ConfigBinder.EnumSpelling(provider)}'", target, azureOnly,
                        "remove it");
                }
            }
        }

        var usesKey = provider != ProviderKind.Echo && (target.AzureAuth is null || target.AzureAuth.Type == AzureAuthType.ApiKey);
        if (!usesKey && target.SecretKeyRef is not null && provider == ProviderKind.AzureOpenAI)
        {
            Warn(DiagnosticCodes.IgnoredField, $"target '{target.Id}' authenticates with Entra ID ({ConfigBinder.EnumSpelling(target.AzureAuth!.Type)}), so secret_key_ref is not used", target, "secret_key_ref",
                "remove secret_key_ref, or use 'azure_auth: api_key'");
        }
        if (target.SecretKeyRef is { } targetRef)
        {
            ValidateSecretRef(targetRef);
        }

        if (target.SecretKeyRef is { } pasted && SecretLookalike.LooksLikeSecret(pasted.Env))
        {
            // Reported by ValidateSecretRef; the missing-variable warning would only repeat it.
        }
        else if (usesKey && target.EffectiveSecretEnv is { } env && !environmentHas(env))
        {
            Warn(DiagnosticCodes.SecretEnvMissing, $"environment variable '{env}' for target '{target.Id}' is not set here; requests to this target will fail until it is", target,
                target.SecretKeyRef is null ? "id" : "secret_key_ref",
                $"set {env} in the gateway's environment (the value is read per request and never logged)");
        }

        foreach (var (name, value) in target.Headers)
        {
            if (name.Length == 0 || name.Any(c => c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".Contains(c)))
            {
                Error(DiagnosticCodes.InvalidHeader, $"{SecretLookalike.Quote(name)} is not a valid HTTP header name", target, "headers", "use letters, digits and '-' only");
            }
            else if (value.Any(c => c is '\r' or '\n' or '\0'))
            {
                Error(DiagnosticCodes.InvalidHeader, $"the value of header '{name}' contains a line break", target, "headers", "put the value on one line");
            }
            else if (name.Equals(target.EffectiveApiKeyHeader, StringComparison.OrdinalIgnoreCase) || name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                Error(DiagnosticCodes.InvalidHeader, $"header '{name}' would carry a credential in plain config", target, "headers",
                    "put the key in an environment variable and reference it with secret_key_ref.env");
            }
        }

        Positive(target, "timeout_seconds", target.TimeoutSeconds, "the upstream request timeout, for example 60");
        if (target.StreamTimeoutSeconds is { } streamTimeout)
        {
            Positive(target, "stream_timeout_seconds", streamTimeout, "the longest idle gap in a stream, for example 30");
        }

        if (target.MaxContextTokens is { } maxContext)
        {
            Positive(target, "max_context_tokens", maxContext, "the model's context window, for example 128000");
        }

        if (target.Weight < 0 || !double.IsFinite(target.Weight))
        {
            Error(DiagnosticCodes.OutOfRange, string.Create(CultureInfo.InvariantCulture, $"weight {target.Weight} must be 0 or more"), target, "weight", "use a relative weight such as 1.0");
        }
        else if (target.HasKey("weight") && strategy != RoutingStrategy.WeightedRoundRobin)
        {
            Warn(DiagnosticCodes.IgnoredField, $"weight is used only by strategy weighted_round_robin (the strategy here is {ConfigBinder.EnumSpelling(strategy)})", target, "weight",
                "set 'providers.strategy: weighted_round_robin' or remove weight");
        }

        if (target.Pricing is { } pricing)
        {
            foreach (var (key, value) in new[] { ("input_per_million", pricing.InputPerMillion), ("output_per_million", pricing.OutputPerMillion), ("cached_input_per_million", pricing.CachedInputPerMillion ?? 0) })
            {
                if (value < 0)
                {
                    Error(DiagnosticCodes.OutOfRange, string.Create(CultureInfo.InvariantCulture, $"{key} {value} cannot be negative"), pricing, key, "give the USD price per one million tokens");
                }
            }
        }

        if (target.HealthProbe is { } probe)
        {
            Positive(probe, "interval_seconds", probe.IntervalSeconds, "seconds between probes, for example 30");
            Positive(probe, "timeout_seconds", probe.TimeoutSeconds, "seconds a probe may take, for example 5");
            Positive(probe, "unhealthy_threshold", probe.UnhealthyThreshold, "failed probes before the target is taken out, for example 2");
            Positive(probe, "healthy_threshold", probe.HealthyThreshold, "good probes before it is back, for example 1");
            if (probe.Path is { } probePath && !probePath.StartsWith('/'))
            {
                Error(DiagnosticCodes.InvalidValue, $"health_probe path '{probePath}' must start with '/'", probe, "path", "for example '/openai/models?api-version=2024-10-21'");
            }
        }

        if (target.Retry is { } retry)
        {
            ValidateRetry(retry);
        }

        if (target.CircuitBreaker is { } breaker)
        {
            ValidateCircuitBreaker(breaker);
        }

        if (target.RateLimit is { } rateLimit)
        {
            ValidateRateLimit(rateLimit);
        }
    }

    private void ValidateRetry(RetryOptions retry)
    {
        if (retry.MaxRetries is < 0 or > 10)
        {
            Error(DiagnosticCodes.OutOfRange, string.Create(CultureInfo.InvariantCulture, $"max_retries {retry.MaxRetries} is outside 0..10"), retry, "max_retries", "use 0 to disable retries, or a small number such as 2");
        }

        Positive(retry, "base_delay_ms", retry.BaseDelayMs, "the first backoff in milliseconds, for example 200");
        Positive(retry, "max_delay_ms", retry.MaxDelayMs, "the longest single wait in milliseconds, for example 10000");
        if (retry.BaseDelayMs > retry.MaxDelayMs)
        {
            Error(DiagnosticCodes.OutOfRange, string.Create(CultureInfo.InvariantCulture, $"base_delay_ms {retry.BaseDelayMs} is larger than max_delay_ms {retry.MaxDelayMs}"), retry, "base_delay_ms",
                "make base_delay_ms smaller than max_delay_ms");
        }

        for (var i = 0; i < retry.RetryOn.Count; i++)
        {
            if (retry.RetryOn[i] is < 400 or > 599)
            {
                diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, DiagnosticCodes.OutOfRange, string.Create(CultureInfo.InvariantCulture, $"retry_on status {retry.RetryOn[i]} is not an HTTP error status"),
                    ItemLocation(retry, "retry_on", i), string.Create(CultureInfo.InvariantCulture, $"{retry.PathOf("retry_on")}[{i}]"), "use 4xx/5xx statuses such as 429, 500, 502, 503, 504"));
            }
        }
    }

    private void ValidateCircuitBreaker(CircuitBreakerOptions breaker)
    {
        Positive(breaker, "consecutive_failures", breaker.ConsecutiveFailures, "failures in a row that open the circuit, for example 5");
        Positive(breaker, "minimum_throughput", breaker.MinimumThroughput, "calls in the window before the ratio counts, for example 20");
        Positive(breaker, "sampling_window_seconds", breaker.SamplingWindowSeconds, "the window in seconds, for example 30");
        Positive(breaker, "break_seconds", breaker.BreakSeconds, "seconds the circuit stays open, for example 30");
        if (breaker.FailureRatio is <= 0 or > 1)
        {
            Error(DiagnosticCodes.OutOfRange, string.Create(CultureInfo.InvariantCulture, $"failure_ratio {breaker.FailureRatio} is outside (0, 1]"), breaker, "failure_ratio", "use a ratio such as 0.5");
        }
    }

    private void ValidateRateLimit(RateLimitOptions rateLimit)
    {
        if (rateLimit.RequestsPerMinute is { } rpm)
        {
            Positive(rateLimit, "requests_per_minute", rpm, "requests allowed per minute, for example 600");
        }

        if (rateLimit.TokensPerMinute is { } tpm)
        {
            Positive(rateLimit, "tokens_per_minute", tpm, "tokens allowed per minute, for example 100000");
        }
    }

    private void ValidateGateway(GatewayOptions gateway)
    {
        ValidateLimits(gateway.Limits);
        if (gateway.MaxRequestBodyBytes < 1024)
        {
            Error(DiagnosticCodes.OutOfRange, string.Create(CultureInfo.InvariantCulture, $"max_request_body_bytes {gateway.MaxRequestBodyBytes} is too small"), gateway, "max_request_body_bytes",
                "allow at least 1024 bytes; the default is 4194304 (4 MiB)");
        }

        if (gateway.ClientRateLimit is { } clientRateLimit)
        {
            ValidateRateLimit(clientRateLimit);
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in gateway.ClientKeys)
        {
            if (!string.IsNullOrEmpty(key.Id) && !ids.Add(key.Id))
            {
                Error(DiagnosticCodes.DuplicateTargetId, $"client key id '{key.Id}' is used twice", key, "id", "give every client key a unique id");
            }

            ValidateSecretRef(key.SecretKeyRef);
            if (!string.IsNullOrEmpty(key.SecretKeyRef.Env) && !SecretLookalike.LooksLikeSecret(key.SecretKeyRef.Env) && !environmentHas(key.SecretKeyRef.Env))
            {
                Warn(DiagnosticCodes.SecretEnvMissing, $"environment variable '{key.SecretKeyRef.Env}' for client key '{key.Id}' is not set here; that key will be rejected until it is",
                    key, "secret_key_ref", $"set {key.SecretKeyRef.Env} in the gateway's environment");
            }

            if (key.RateLimit is { } rateLimit)
            {
                ValidateRateLimit(rateLimit);
            }
        }
    }

    private void ValidateBlobShipping(AuditBlobShippingOptions ship)
    {
        if ((ship.ContainerUrl is null) == (ship.ConnectionStringRef is null))
        {
            Error(DiagnosticCodes.InvalidValue, "ship_to_blob needs exactly one of container_url (Entra ID) and connection_string_ref", ship,
                ship.ContainerUrl is null ? "container_url" : "connection_string_ref",
                "give 'container_url: https://<account>.blob.core.windows.net/<container>', or 'connection_string_ref: { env: NAME }' with 'container: <name>'");
        }

        if (ship.ContainerUrl is { } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)) ||
                uri.AbsolutePath.Trim('/').Length == 0 || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
            {
                Error(DiagnosticCodes.InvalidUrl, $"container_url {SecretLookalike.Quote(uri is null ? url : uri.GetLeftPart(UriPartial.Path))} is not an https container URL", ship, "container_url",
                    "use https://<account>.blob.core.windows.net/<container> (no SAS token: the gateway signs in with Entra ID)");
            }
        }

        if (ship.ConnectionStringRef is { } connection)
        {
            ValidateSecretRef(connection);
            if (string.IsNullOrWhiteSpace(ship.Container))
            {
                Error(DiagnosticCodes.MissingField, "ship_to_blob with connection_string_ref needs 'container'", ship, "container", "add 'container: audit'");
            }
            else if (ship.Container.Length is < 3 or > 63 || !ship.Container.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                Error(DiagnosticCodes.InvalidValue, $"container '{ship.Container}' is not a valid container name", ship, "container", "use 3-63 lower-case letters, digits and '-'");
            }
        }

        if (ship.IntervalSeconds is < 1 or > 3600 || !double.IsFinite(ship.IntervalSeconds))
        {
            Error(DiagnosticCodes.OutOfRange, string.Create(CultureInfo.InvariantCulture, $"interval_seconds {ship.IntervalSeconds} is outside 1..3600"), ship, "interval_seconds",
                "at least 1 s keeps a day's appends under the append blob's 50,000 blocks; the default is 2");
        }
    }

    private void ValidateLimits(GatewayLimitsOptions limits)
    {
        void InRange(string key, long value, long min, long max, string fix)
        {
            if (value < min || value > max)
            {
                Error(DiagnosticCodes.OutOfRange, string.Create(CultureInfo.InvariantCulture, $"{key} {value} is outside {min}..{max}"), limits, key, fix);
            }
        }

        InRange("keep_alive_timeout_seconds", limits.KeepAliveTimeoutSeconds, 1, 3600, "give the seconds an idle connection is kept, for example 30");
        InRange("max_concurrent_connections", limits.MaxConcurrentConnections, 1, 1_000_000, "give the most open connections, for example 1000");
        InRange("max_request_line_bytes", limits.MaxRequestLineBytes, 1024, 64 * 1024, "for example 8192");
        InRange("max_request_headers_bytes", limits.MaxRequestHeadersBytes, 4096, 1024 * 1024, "for example 32768");
        InRange("max_json_depth", limits.MaxJsonDepth, 4, 64, "for example 64 (also the deserializer's own bound)");
        InRange("max_json_items", limits.MaxJsonItems, 16, 10_000_000, "for example 10000");
        InRange("max_messages", limits.MaxMessages, 1, 1_000_000, "for example 2048");
        InRange("max_text_chars", limits.MaxTextChars, 1024, 1_000_000_000, "for example 1000000");
        InRange("max_upstream_response_bytes", limits.MaxUpstreamResponseBytes, 64 * 1024, 1L << 32, "for example 16777216 (16 MiB)");
        InRange("max_upstream_stream_bytes", limits.MaxUpstreamStreamBytes, 64 * 1024, 1L << 36, "for example 67108864 (64 MiB)");
        InRange("max_upstream_event_bytes", limits.MaxUpstreamEventBytes, 4 * 1024, 1L << 30, "for example 1048576 (1 MiB)");
        InRange("max_audit_content_chars", limits.MaxAuditContentChars, 256, 100_000_000, "for example 32768");
    }

    /// <summary>secret_key_ref.env names a variable; a key pasted there instead is an error that does not print the key.</summary>
    private void ValidateSecretRef(SecretKeyRef secretRef)
    {
        if (SecretLookalike.LooksLikeSecret(secretRef.Env))
        {
            Error(DiagnosticCodes.InvalidValue, $"env holds {SecretLookalike.Describe(secretRef.Env)}, not the name of an environment variable", secretRef, "env",
                "put the key in an environment variable (for example AZURE_OPENAI_API_KEY) and give that variable's name here; rotate the key if this file was shared");
        }
    }

    private void Positive(ConfigSection section, string key, long value, string meaning)
    {
        if (value <= 0)
        {
            Error(DiagnosticCodes.OutOfRange, string.Create(CultureInfo.InvariantCulture, $"{key} {value} must be greater than 0"), section, key, $"give {meaning}");
        }
    }

    private static SourceLocation ItemLocation(ConfigSection section, string key, int index) => section.ItemLocationOf(key, index);

    private void Error(string code, string message, ConfigSection section, string key, string fix) =>
        diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, code, message, section.LocationOf(key), section.PathOf(key), fix));

    private void Warn(string code, string message, ConfigSection section, string key, string fix) =>
        diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Warning, code, message, section.LocationOf(key), section.PathOf(key), fix));
}
