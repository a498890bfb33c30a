using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Tests.Configuration;

/// <summary>A key pasted into the wrong field is never printed back by a diagnostic; URL credentials are an error.</summary>
public sealed class SecretsInDiagnosticsTests
{
    // Shapes of real keys: an Azure OpenAI key (32 hex), an OpenAI project key.
    private const string AzureKey = "3f9a2c7d41b84e06a5d1c2b7e9f04a13";
    private const string OpenAIKey = "sk-proj-Zx81kQm2VtR7bLw0Yc4nHs9Pd3Ja6Ue5";

    private static PolicyConfigLoadResult Load(string yaml, Func<string, bool>? environmentHas = null) =>
        PolicyConfigLoader.LoadText(yaml, "test.yaml", environmentHas ?? (_ => false));

    private static string Everything(PolicyConfigLoadResult result) => string.Join("\n", result.Diagnostics.Select(d => d.ToString()));

    private static string Target(string extra) => $$"""
        pack: { name: t }
        providers:
          targets:
            - id: a
              provider: azure-openai
              model: gpt-4o
              base_url: https://r.openai.azure.com
              azure_api_version: "2024-10-21"
        {{extra}}
        """;

    [Theory]
    [InlineData(AzureKey)]
    [InlineData(OpenAIKey)]
    public void A_key_pasted_into_secret_key_ref_env_is_an_error_that_shows_only_length_and_hash(string key)
    {
        var result = Load(Target($"      secret_key_ref: {{ env: {key} }}"));

        var error = Assert.Single(result.Errors);
        Assert.Equal(DiagnosticCodes.InvalidValue, error.Code);
        Assert.Contains($"{key.Length} characters", error.Message);
        Assert.Contains("sha256 ", error.Message);
        Assert.Equal(9, error.Location.Line);
        Assert.DoesNotContain(key, Everything(result));
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == DiagnosticCodes.SecretEnvMissing);
    }

    [Fact]
    public void A_key_in_a_client_key_ref_or_the_audit_head_key_ref_is_not_echoed()
    {
        var result = Load($$"""
            pack: { name: t }
            gateway:
              client_keys:
                - { id: team-a, secret_key_ref: { env: {{OpenAIKey}} } }
            policies: { chain: [audit-logger] }
            policy:
              audit-logger: { head_key_ref: { env: {{AzureKey}} } }
            providers:
              targets: [ { id: e, provider: echo, model: echo } ]
            """);

        Assert.Equal(2, result.Errors.Count());
        Assert.DoesNotContain(OpenAIKey, Everything(result));
        Assert.DoesNotContain(AzureKey, Everything(result));
    }

    [Fact]
    public void A_key_in_a_typed_field_is_not_echoed_by_the_wrong_type_message()
    {
        var result = Load(Target($"      timeout_seconds: {AzureKey}"));

        var error = Assert.Single(result.Errors);
        Assert.Equal(DiagnosticCodes.WrongType, error.Code);
        Assert.Contains("32 characters", error.Message);
        Assert.DoesNotContain(AzureKey, Everything(result));
    }

    [Fact]
    public void A_key_in_an_enum_field_or_used_as_a_field_name_is_not_echoed()
    {
        var result = Load(Target($"      azure_auth: {{ type: {OpenAIKey} }}\n      {AzureKey}: x"));

        Assert.Equal(2, result.Errors.Count());
        Assert.DoesNotContain(OpenAIKey, Everything(result));
        Assert.DoesNotContain(AzureKey, Everything(result));
    }

    [Fact]
    public void Ordinary_values_are_still_quoted_so_typos_are_easy_to_find()
    {
        var result = Load(Target("      timeout_seconds: sixty\n      secret_key_ref: { env: AZURE_OPENAI_KEY_WESTEUROPE }"));

        Assert.Contains("'sixty'", Assert.Single(result.Errors).Message);
        Assert.Contains("'AZURE_OPENAI_KEY_WESTEUROPE'", Assert.Single(result.Warnings, w => w.Code == DiagnosticCodes.SecretEnvMissing).Message);
    }

    [Fact]
    public void A_base_url_with_user_and_password_is_an_error_at_its_line_and_column()
    {
        var result = Load("""
            pack: { name: t }
            providers:
              targets:
                - id: a
                  provider: openai
                  model: gpt-4o
                  base_url: https://apiuser:Hunter2Secret@api.example.test/v1
            """, _ => true);

        var error = Assert.Single(result.Errors);
        Assert.Equal(DiagnosticCodes.InvalidUrl, error.Code);
        Assert.Equal((7, 17), (error.Location.Line, error.Location.Column));
        Assert.Contains("carries credentials", error.Message);
        Assert.Contains("https://api.example.test/v1", error.Fix);
        Assert.DoesNotContain("Hunter2Secret", Everything(result));
        Assert.DoesNotContain("apiuser", Everything(result));
    }

    [Theory]
    [InlineData("AZURE_OPENAI_API_KEY", false)]
    [InlineData("KT_CLIENT_KEY_TEAM_A", false)]
    [InlineData("https://r.openai.azure.com", false)]
    [InlineData("gpt-4o-2024-08-06", false)]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301", false)]
    [InlineData(AzureKey, true)]
    [InlineData(OpenAIKey, true)]
    [InlineData("ghp_a1B2c3D4e5F6g7H8i9J0", true)]
    [InlineData("9F86D081884C7D659A2FEAA0C55AD015", true)]
    public void Key_lookalikes_are_told_apart_from_names_urls_and_model_ids(string value, bool looksLikeKey) =>
        Assert.Equal(looksLikeKey, SecretLookalike.LooksLikeSecret(value));
}
