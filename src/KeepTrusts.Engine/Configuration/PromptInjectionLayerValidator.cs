using KeepTrusts.Engine.Policies.PromptInjection;
using KeepTrusts.Engine.Policies.PromptInjection.Layers;

namespace KeepTrusts.Engine.Configuration;

/// <summary>
/// Checks prompt-injection's optional layers: ranges, the Prompt Shields endpoint and credential, and the model and
/// tokenizer files themselves — they are loaded (and released) here, so a missing or malformed file is a config error
/// at its key's file:line:column, found by `kt config validate` and Test-KtPolicyConfig before the gateway starts.
/// </summary>
internal sealed class PromptInjectionLayerValidator(List<ConfigDiagnostic> diagnostics, Func<string, bool> environmentHas)
{
    public void Validate(PromptInjectionOptions injection, string configDirectory)
    {
        if (injection.Model is { } model)
        {
            ValidateModel(model, injection.Threshold, configDirectory);
        }

        if (injection.PromptShields is { } shields)
        {
            ValidateShields(shields, injection.Threshold);
        }
    }

    private void ValidateModel(PromptInjectionModelOptions model, double threshold, string configDirectory)
    {
        var errorsBefore = Errors();
        Probability(model, "threshold", model.Threshold);
        UndecidedBand(model, model.When, model.UndecidedFrom, threshold);
        Range(model, "max_tokens", model.MaxTokens, 8, 8192, "the model's maximum sequence length, for example 512");
        Range(model, "max_chunks", model.MaxChunks, 1, 64, "how many windows of max_tokens to score per text, for example 4");
        Range(model, "max_concurrency", model.MaxConcurrency, 1, 256, "model runs at once, for example the number of cores");
        if (model.InjectionLabels.Count == 0)
        {
            Error(DiagnosticCodes.MissingField, "injection_labels is empty", model, "injection_labels", "list the output indexes that mean injection, for example [1]");
        }

        for (var i = 0; i < model.InjectionLabels.Count; i++)
        {
            if (model.InjectionLabels[i] < 0)
            {
                diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, DiagnosticCodes.OutOfRange, string.Create(CultureInfo.InvariantCulture, $"injection label {model.InjectionLabels[i]} is negative"),
                    model.ItemLocationOf("injection_labels", i), string.Create(CultureInfo.InvariantCulture, $"{model.PathOf("injection_labels")}[{i}]"), "use output indexes from 0"));
            }
        }

        var missingFile = string.IsNullOrWhiteSpace(model.Path) || string.IsNullOrWhiteSpace(model.Tokenizer);
        if (Errors() != errorsBefore || missingFile)
        {
            // A missing path is already reported by the binder (required key); other errors would make the load fail for the wrong reason.
            return;
        }

        // Both files checked before loading, so a config missing both hears about both at once.
        var missing = new[] { ("tokenizer", model.Tokenizer), ("path", model.Path) }
            .Select(file => OnnxInjectionClassifier.MissingFile(configDirectory, file.Item2, file.Item1))
            .OfType<InjectionModelException>()
            .Select(ex => PromptInjectionLayers.Diagnostic(model, ex))
            .ToList();
        if (missing.Count > 0)
        {
            diagnostics.AddRange(missing);
            return;
        }

        try
        {
            PromptInjectionLayers.LoadClassifier(model, configDirectory).Dispose();
        }
        catch (PolicyConfigException ex)
        {
            diagnostics.AddRange(ex.Result.Diagnostics);
        }
    }

    private void ValidateShields(PromptShieldsOptions shields, double threshold)
    {
        if (!Uri.TryCreate(shields.Endpoint, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host) ||
            (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            Error(DiagnosticCodes.InvalidUrl, $"endpoint '{shields.Endpoint}' is not an absolute https URL", shields, "endpoint",
                "use the Content Safety resource URL, for example https://my-safety.cognitiveservices.azure.com (http only for loopback test servers)");
        }
        else if (uri.AbsolutePath.Contains("contentsafety", StringComparison.OrdinalIgnoreCase) || !string.IsNullOrEmpty(uri.Query))
        {
            Error(DiagnosticCodes.InvalidUrl, "endpoint already contains the API path or a query; the gateway adds /contentsafety/text:shieldPrompt?api-version=... itself", shields, "endpoint",
                "set endpoint to the resource URL only (https://<name>.cognitiveservices.azure.com)");
        }

        Range(shields, "timeout_ms", shields.TimeoutMs, 1, 60_000, "milliseconds one call may take, for example 1000");
        Range(shields, "max_calls", shields.MaxCalls, 1, 32, "calls per request for long text, for example 3");
        Range(shields, "max_prompt_chars", shields.MaxPromptChars, 1, 10_000, "characters of user prompt per call; the service accepts up to 10000");
        Range(shields, "max_document_chars", shields.MaxDocumentChars, 1, 10_000, "characters of documents per call; the service accepts up to 10000");
        Range(shields, "max_documents", shields.MaxDocuments, 1, 5, "documents per call; the service accepts up to 5");
        UndecidedBand(shields, shields.When, shields.UndecidedFrom, threshold);

        var auth = shields.Auth;
        if (auth.Type == PromptShieldsAuthType.ApiKey)
        {
            if (auth.SecretKeyRef is null || string.IsNullOrEmpty(auth.SecretKeyRef.Env))
            {
                Error(DiagnosticCodes.MissingField, "auth type api_key needs secret_key_ref", auth, "secret_key_ref",
                    "add 'secret_key_ref: { env: CONTENT_SAFETY_KEY }' naming the variable that holds the resource key");
            }
            else if (!environmentHas(auth.SecretKeyRef.Env))
            {
                Warn(DiagnosticCodes.SecretEnvMissing, $"environment variable '{auth.SecretKeyRef.Env}' for prompt_shields is not set here; every call fails (on_error applies) until it is",
                    auth, "secret_key_ref", $"set {auth.SecretKeyRef.Env} in the gateway's environment (the value is read per call and never logged)");
            }
        }
        else if (auth.SecretKeyRef is not null)
        {
            Warn(DiagnosticCodes.IgnoredField, $"prompt_shields authenticates with Entra ID ({ConfigBinder.EnumSpelling(auth.Type)}), so secret_key_ref is not used", auth, "secret_key_ref",
                "remove secret_key_ref, or use 'type: api_key'");
        }
    }

    private int Errors() => diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);

    private void UndecidedBand(ConfigSection section, InjectionLayerWhen when, double undecidedFrom, double threshold)
    {
        Probability(section, "undecided_from", undecidedFrom);
        if (when == InjectionLayerWhen.Undecided && undecidedFrom >= threshold && undecidedFrom is >= 0 and <= 1)
        {
            Warn(DiagnosticCodes.IgnoredField, string.Create(CultureInfo.InvariantCulture, $"undecided_from {undecidedFrom} is not below the policy's threshold {threshold}, so the undecided band is empty and the layer only sees tool results"),
                section, "undecided_from", "use a value below the threshold, for example 0.2, or 'when: always'");
        }
    }

    private void Probability(ConfigSection section, string key, double value)
    {
        if (value is < 0 or > 1)
        {
            Error(DiagnosticCodes.OutOfRange, string.Create(CultureInfo.InvariantCulture, $"{key} {value} is outside 0..1"), section, key, "use a probability between 0 and 1");
        }
    }

    private void Range(ConfigSection section, string key, int value, int min, int max, string meaning)
    {
        if (value < min || value > max)
        {
            Error(DiagnosticCodes.OutOfRange, string.Create(CultureInfo.InvariantCulture, $"{key} {value} is outside {min}..{max}"), section, key, $"give {meaning}");
        }
    }

    private void Error(string code, string message, ConfigSection section, string key, string fix) =>
        diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, code, message, section.LocationOf(key), section.PathOf(key), fix));

    private void Warn(string code, string message, ConfigSection section, string key, string fix) =>
        diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Warning, code, message, section.LocationOf(key), section.PathOf(key), fix));
}
