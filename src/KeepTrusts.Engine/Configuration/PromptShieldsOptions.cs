namespace KeepTrusts.Engine.Configuration;

/// <summary>
/// <c>policy.prompt-injection.prompt_shields</c>: Azure AI Content Safety Prompt Shields
/// (<c>POST {endpoint}/contentsafety/text:shieldPrompt?api-version=2024-09-01</c>) as a cascade layer.
/// </summary>
public sealed class PromptShieldsOptions : ConfigSection
{
    public const string ApiVersion = "2024-09-01";

    [ConfigKey("endpoint", Required = true, Description = "https://<name>.cognitiveservices.azure.com")]
    public string Endpoint { get; set; } = string.Empty;

    [ConfigKey("auth", Required = true, Description = "{ type: entra_id } or { type: api_key, secret_key_ref: { env: NAME } }")]
    public PromptShieldsAuthOptions Auth { get; set; } = new();

    [ConfigKey("timeout_ms")]
    public int TimeoutMs { get; set; } = 1000;

    [ConfigKey("on_error")]
    public LayerErrorOutcome OnError { get; set; } = LayerErrorOutcome.Allow;

    [ConfigKey("when")]
    public InjectionLayerWhen When { get; set; } = InjectionLayerWhen.Always;

    /// <summary>Lower end of the undecided band (when: undecided); its upper end is the policy's threshold.</summary>
    [ConfigKey("undecided_from")]
    public double UndecidedFrom { get; set; } = 0.2;

    /// <summary>Tool results (documents) are always sent, whatever <see cref="When"/> says.</summary>
    [ConfigKey("always_for_documents")]
    public bool AlwaysForDocuments { get; set; } = true;

    /// <summary>Calls per request: longer text is split over several calls; text past max_calls calls is not sent.</summary>
    [ConfigKey("max_calls")]
    public int MaxCalls { get; set; } = 3;

    /// <summary>Characters of user prompt per call (the service's documented limit).</summary>
    [ConfigKey("max_prompt_chars")]
    public int MaxPromptChars { get; set; } = 10_000;

    /// <summary>Characters of documents sent per call, all documents together (the service's limit).</summary>
    [ConfigKey("max_document_chars")]
    public int MaxDocumentChars { get; set; } = 10_000;

    /// <summary>Documents per call (the service's documented limit).</summary>
    [ConfigKey("max_documents")]
    public int MaxDocuments { get; set; } = 5;
}
