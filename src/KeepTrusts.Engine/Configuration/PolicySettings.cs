namespace KeepTrusts.Engine.Configuration;

/// <summary><c>policy:</c> per-policy settings, keyed by the policy's name.</summary>
public sealed class PolicySettings : ConfigSection
{
    [ConfigKey("prompt-injection")]
    public PromptInjectionOptions PromptInjection { get; set; } = new();

    [ConfigKey("pii-detector")]
    public PiiDetectorOptions PiiDetector { get; set; } = new();

    [ConfigKey("safety-filter")]
    public SafetyFilterOptions SafetyFilter { get; set; } = new();

    [ConfigKey("audit-logger")]
    public AuditLoggerOptions AuditLogger { get; set; } = new();
}
