namespace KeepTrusts.Engine.Configuration;

/// <summary>The policy names a chain may use.</summary>
public static class PolicyNames
{
    public const string PromptInjection = "prompt-injection";
    public const string PiiDetector = "pii-detector";
    public const string SafetyFilter = "safety-filter";
    public const string AuditLogger = "audit-logger";

    public static readonly IReadOnlyList<string> All = [PromptInjection, PiiDetector, SafetyFilter, AuditLogger];
}
