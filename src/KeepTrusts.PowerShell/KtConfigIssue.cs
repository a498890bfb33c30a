namespace KeepTrusts.PowerShell;

/// <summary>One problem in a policy-config file, as Test-KtPolicyConfig reports it.</summary>
public sealed class KtConfigIssue
{
    public string Severity { get; init; } = "Error";

    /// <summary>Stable code (KT1002 ...), documented in docs/policy-config.md.</summary>
    public string Code { get; init; } = string.Empty;

    public string Message { get; init; } = string.Empty;

    public string File { get; init; } = string.Empty;

    public int Line { get; init; }

    public int Column { get; init; }

    /// <summary>Where in the config, for example providers.targets[0].model.</summary>
    public string FieldPath { get; init; } = string.Empty;

    /// <summary>How to fix it.</summary>
    public string Fix { get; init; } = string.Empty;

    public override string ToString()
    {
        var at = string.IsNullOrEmpty(FieldPath) ? string.Empty : $" (at {FieldPath})";
        var fix = string.IsNullOrEmpty(Fix) ? string.Empty : $" Fix: {Fix}";
        // Without a position (the file could not be read) the line reads like the engine's: file: error ...
        var where = Line > 0 ? $"{File}:{Line}:{Column}" : File;
        return $"{where}: {Severity.ToLowerInvariant()} {Code}: {Message}{at}.{fix}";
    }
}
