namespace KeepTrusts.Engine.Configuration;

/// <summary><c>policy.safety-filter</c>.</summary>
public sealed class SafetyFilterOptions : ConfigSection
{
    /// <summary>strict blocks at a lower severity than standard.</summary>
    [ConfigKey("mode")]
    public SafetyMode Mode { get; set; } = SafetyMode.Standard;

    /// <summary>block or log.</summary>
    [ConfigKey("action")]
    public PolicyActionOption Action { get; set; } = PolicyActionOption.Block;

    /// <summary>Extra terms that always match (case-insensitive, whole words).</summary>
    [ConfigKey("blocklist")]
    public List<string> Blocklist { get; set; } = [];
}
