namespace KeepTrusts.PowerShell;

/// <summary>What Test-KtPolicyConfig found in one file.</summary>
public sealed class KtPolicyConfigTestResult
{
    public string Path { get; init; } = string.Empty;

    public bool IsValid { get; init; }

    public KtConfigIssue[] Errors { get; init; } = [];

    public KtConfigIssue[] Warnings { get; init; } = [];

    /// <summary>The pack name, when the file could be read.</summary>
    public string? Pack { get; init; }

    public int TargetCount { get; init; }
}
