namespace KeepTrusts.Engine.Configuration;

/// <summary><c>policy.prompt-injection</c>.</summary>
public sealed class PromptInjectionOptions : ConfigSection
{
    /// <summary>Score (0..1) at or above which the action applies.</summary>
    [ConfigKey("threshold")]
    public double Threshold { get; set; } = 0.8;

    /// <summary>block or log (redact is not meaningful for injection).</summary>
    [ConfigKey("action")]
    public PolicyActionOption Action { get; set; } = PolicyActionOption.Block;

    /// <summary>Also score tool results and assistant turns (indirect injection). Default true.</summary>
    [ConfigKey("scan_tool_results")]
    public bool ScanToolResults { get; set; } = true;

    /// <summary>Optional layer: a local ONNX classifier asked after the built-in layers.</summary>
    [ConfigKey("model")]
    public PromptInjectionModelOptions? Model { get; set; }

    /// <summary>Optional layer: Azure AI Content Safety Prompt Shields, asked after the model (when both are set).</summary>
    [ConfigKey("prompt_shields")]
    public PromptShieldsOptions? PromptShields { get; set; }

    /// <summary>builtin (default): the learned model shipped in the engine scores beside the heuristics; off: heuristics only.</summary>
    [ConfigKey("classifier")]
    public InjectionClassifierMode Classifier { get; set; } = InjectionClassifierMode.Builtin;
}
