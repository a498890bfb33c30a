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

    /// <summary>builtin (default): the learned model shipped in the engine scores beside the heuristics; off: heuristics only.</summary>
    [ConfigKey("classifier")]
    public InjectionClassifierMode Classifier { get; set; } = InjectionClassifierMode.Builtin;
}
