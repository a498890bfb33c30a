namespace KeepTrusts.Engine.Configuration;

/// <summary>
/// <c>policy.prompt-injection.model</c>: a local ONNX sequence classifier (Prompt Guard 2, a deberta-v3
/// prompt-injection model, a BERT classifier) run as a cascade after the built-in layers. Paths are relative
/// to the config file; nothing is downloaded.
/// </summary>
public sealed class PromptInjectionModelOptions : ConfigSection
{
    [ConfigKey("path", Required = true, Description = "the .onnx file, for example ./prompt-guard-2-22m.onnx")]
    public string Path { get; set; } = string.Empty;

    /// <summary>tokenizer.json (Hugging Face, Unigram), a SentencePiece .model, or a WordPiece vocab.txt.</summary>
    [ConfigKey("tokenizer", Required = true, Description = "the tokenizer file, for example ./tokenizer.json")]
    public string Tokenizer { get; set; } = string.Empty;

    [ConfigKey("when")]
    public InjectionLayerWhen When { get; set; } = InjectionLayerWhen.Undecided;

    /// <summary>Lower end of the undecided band; its upper end is the policy's threshold.</summary>
    [ConfigKey("undecided_from")]
    public double UndecidedFrom { get; set; } = 0.2;

    /// <summary>Tool results (documents) are always scored, whatever <see cref="When"/> says.</summary>
    [ConfigKey("always_for_documents")]
    public bool AlwaysForDocuments { get; set; } = true;

    /// <summary>Output indexes whose softmax probabilities add up to the injection probability.</summary>
    [ConfigKey("injection_labels")]
    public List<int> InjectionLabels { get; set; } = [1];

    /// <summary>Injection probability (0..1) at or above which the model's verdict is "injection".</summary>
    [ConfigKey("threshold")]
    public double Threshold { get; set; } = 0.5;

    /// <summary>Tokens per model input, special tokens included (the model's maximum sequence length).</summary>
    [ConfigKey("max_tokens")]
    public int MaxTokens { get; set; } = 512;

    /// <summary>Windows of max_tokens scored per text; tokens past max_tokens × max_chunks are not scored.</summary>
    [ConfigKey("max_chunks")]
    public int MaxChunks { get; set; } = 4;

    /// <summary>Model runs at once across all requests; further requests wait their turn.</summary>
    [ConfigKey("max_concurrency")]
    public int MaxConcurrency { get; set; } = 4;

    [ConfigKey("on_error")]
    public LayerErrorOutcome OnError { get; set; } = LayerErrorOutcome.Allow;
}
