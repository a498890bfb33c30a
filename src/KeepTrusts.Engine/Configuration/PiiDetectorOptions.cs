namespace KeepTrusts.Engine.Configuration;

/// <summary><c>policy.pii-detector</c>.</summary>
public sealed class PiiDetectorOptions : ConfigSection
{
    /// <summary>redact, block or log.</summary>
    [ConfigKey("action")]
    public PolicyActionOption Action { get; set; } = PolicyActionOption.Redact;

    /// <summary>Entity types to detect; empty means all known types.</summary>
    [ConfigKey("entities")]
    public List<string> Entities { get; set; } = [];

    /// <summary>Also scan responses (and streamed chunks). Default true.</summary>
    [ConfigKey("scan_responses")]
    public bool ScanResponses { get; set; } = true;
}
