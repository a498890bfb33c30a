using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Tests.Policies.Layers;

/// <summary>The optional layers' config errors: what, where (file:line:column, field path) and the fix.</summary>
public sealed class LayerConfigValidationTests : IDisposable
{
    private readonly LayerConfig _files = new();

    public void Dispose() => _files.Dispose();

    private ConfigDiagnostic SingleError(string promptInjection, Func<string, bool>? environmentHas = null)
    {
        var result = _files.Load(promptInjection, environmentHas);
        Assert.False(result.IsValid);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void Missing_model_file_is_an_error_at_the_path_value()
    {
        var error = SingleError("""
            model:
              path: ./prompt-guard-2-22m.onnx
              tokenizer: tokenizer.json
            """);

        Assert.Equal(DiagnosticCodes.ModelFileInvalid, error.Code);
        Assert.Equal((_files.ConfigPath, 7, 13), (error.Location.File, error.Location.Line, error.Location.Column));
        Assert.Equal("policy.prompt-injection.model.path", error.FieldPath);
        Assert.Contains("model file './prompt-guard-2-22m.onnx' does not exist", error.Message);
        Assert.Contains(Path.Combine(_files.Directory, "prompt-guard-2-22m.onnx"), error.Message);
        Assert.Contains("nothing is downloaded", error.Fix);
    }

    [Fact]
    public void Missing_model_and_tokenizer_files_are_both_reported_at_once()
    {
        var result = _files.Load("model: { path: absent.onnx, tokenizer: absent-tokenizer.json }");

        Assert.False(result.IsValid);
        Assert.Equal(
            ["policy.prompt-injection.model.path", "policy.prompt-injection.model.tokenizer"],
            result.Errors.Select(e => e.FieldPath).Order());
        Assert.All(result.Errors, e => Assert.Contains("does not exist", e.Message));
    }

    [Fact]
    public void Malformed_model_file_is_an_error_at_the_path_value()
    {
        File.WriteAllText(Path.Combine(_files.Directory, "broken.onnx"), "this is not a protobuf model");

        var error = SingleError("""
            model: { path: broken.onnx, tokenizer: tokenizer.json }
            """);

        Assert.Equal(DiagnosticCodes.ModelFileInvalid, error.Code);
        Assert.Equal(6, error.Location.Line);
        Assert.Equal(20, error.Location.Column);
        Assert.Contains("model 'broken.onnx' is not a valid ONNX model", error.Message);
    }

    [Fact]
    public void Malformed_or_missing_tokenizer_is_an_error_at_the_tokenizer_value()
    {
        File.WriteAllText(Path.Combine(_files.Directory, "bad.json"), "{ \"model\": { \"type\": \"WordLevel\" } }");

        var malformed = SingleError("model: { path: tiny-injection.onnx, tokenizer: bad.json }");
        var missing = SingleError("model: { path: tiny-injection.onnx, tokenizer: spm.model }");
        var unsupported = SingleError("model: { path: tiny-injection.onnx, tokenizer: tiny-injection.onnx }");

        Assert.All([malformed, missing, unsupported], e =>
        {
            Assert.Equal(DiagnosticCodes.ModelFileInvalid, e.Code);
            Assert.Equal("policy.prompt-injection.model.tokenizer", e.FieldPath);
            Assert.Equal(6, e.Location.Line);
        });
        Assert.Contains("tokenizer 'bad.json' cannot be read", malformed.Message);
        Assert.Contains("tokenizer file 'spm.model' does not exist", missing.Message);
        Assert.Contains("is not a tokenizer file this layer reads", unsupported.Message);
    }

    [Fact]
    public void Injection_label_the_model_does_not_have_is_an_error()
    {
        var error = SingleError("model: { path: tiny-injection.onnx, tokenizer: tokenizer.json, injection_labels: [2] }");

        Assert.Equal(DiagnosticCodes.ModelFileInvalid, error.Code);
        Assert.Contains("injection label 2 is not an output of the model (it has labels 0..1)", error.Message);
    }

    [Fact]
    public void Bad_on_error_and_when_values_are_named_with_the_allowed_ones()
    {
        var result = _files.Load("""
            prompt_shields:
              endpoint: https://my-safety.cognitiveservices.azure.com
              auth: { type: entra_id }
              on_error: maybe
              when: sometimes
            """);

        var errors = result.Errors.ToList();
        Assert.Equal(2, errors.Count);
        Assert.Equal(DiagnosticCodes.InvalidValue, errors[0].Code);
        Assert.Equal("policy.prompt-injection.prompt_shields.on_error", errors[0].FieldPath);
        Assert.Equal((9, 17), (errors[0].Location.Line, errors[0].Location.Column));
        Assert.Contains("allowed: allow, block", errors[0].Fix);
        Assert.Equal("policy.prompt-injection.prompt_shields.when", errors[1].FieldPath);
        Assert.Contains("allowed: undecided, always", errors[1].Fix);
    }

    [Theory]
    [InlineData("http://my-safety.cognitiveservices.azure.com", "not an absolute https URL")]
    [InlineData("https://my-safety.cognitiveservices.azure.com/contentsafety/text:shieldPrompt", "already contains the API path")]
    [InlineData("my-safety", "not an absolute https URL")]
    public void Endpoint_must_be_the_https_resource_url(string endpoint, string message)
    {
        var error = SingleError($$"""
            prompt_shields: { endpoint: "{{endpoint}}", auth: { type: entra_id } }
            """);

        Assert.Equal(DiagnosticCodes.InvalidUrl, error.Code);
        Assert.Contains(message, error.Message);
        Assert.Equal("policy.prompt-injection.prompt_shields.endpoint", error.FieldPath);
    }

    [Fact]
    public void Api_key_auth_needs_secret_key_ref_and_warns_when_the_variable_is_not_set()
    {
        var missingRef = SingleError("prompt_shields: { endpoint: https://s.cognitiveservices.azure.com, auth: { type: api_key } }");
        var unset = _files.Load("prompt_shields: { endpoint: https://s.cognitiveservices.azure.com, auth: { type: api_key, secret_key_ref: { env: KT_UNSET_SAFETY_KEY } } }",
            _ => false);

        Assert.Equal(DiagnosticCodes.MissingField, missingRef.Code);
        Assert.Equal("policy.prompt-injection.prompt_shields.auth.secret_key_ref", missingRef.FieldPath);
        Assert.True(unset.IsValid);
        var warning = Assert.Single(unset.Warnings);
        Assert.Equal(DiagnosticCodes.SecretEnvMissing, warning.Code);
        Assert.Contains("KT_UNSET_SAFETY_KEY", warning.Message);
    }

    [Fact]
    public void Out_of_range_limits_are_errors()
    {
        var result = _files.Load("""
            model: { path: tiny-injection.onnx, tokenizer: tokenizer.json, threshold: 1.5, max_tokens: 4 }
            prompt_shields: { endpoint: https://s.cognitiveservices.azure.com, auth: { type: entra_id }, timeout_ms: 0, max_documents: 6 }
            """);

        Assert.Equal(
            ["model.max_tokens", "model.threshold", "prompt_shields.max_documents", "prompt_shields.timeout_ms"],
            result.Errors.Select(e => e.FieldPath.Replace("policy.prompt-injection.", string.Empty, StringComparison.Ordinal)).Order().ToArray());
        Assert.All(result.Errors, e => Assert.Equal(DiagnosticCodes.OutOfRange, e.Code));
    }

    [Fact]
    public void Valid_layers_load_cleanly()
    {
        var result = _files.Load("""
            threshold: 0.8
            model: { path: ./tiny-injection.onnx, tokenizer: ./tokenizer.json, when: undecided, undecided_from: 0.3, injection_labels: [1], on_error: block }
            prompt_shields:
              endpoint: https://my-safety.cognitiveservices.azure.com
              auth: { type: managed_identity, client_id: 11111111-2222-3333-4444-555555555555 }
              timeout_ms: 800
              on_error: allow
              when: always
            """);

        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
    }
}
