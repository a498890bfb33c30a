using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>Maps the engine's config diagnostics onto the module's own result types (no engine type reaches PowerShell).</summary>
internal static class ConfigValidation
{
    public static KtPolicyConfigTestResult Validate(string fullPath)
    {
        var result = PolicyConfigLoader.Load(fullPath);
        return new KtPolicyConfigTestResult
        {
            Path = fullPath,
            IsValid = result.IsValid,
            Errors = result.Errors.Select(ToIssue).ToArray(),
            Warnings = result.Warnings.Select(ToIssue).ToArray(),
            Pack = result.Config?.Pack.Name,
            TargetCount = result.Config?.Providers.Targets.Count ?? 0,
        };
    }

    public static KtConfigIssue ToIssue(ConfigDiagnostic diagnostic) => new()
    {
        Severity = diagnostic.Severity.ToString(),
        Code = diagnostic.Code,
        Message = diagnostic.Message,
        File = diagnostic.Location.File,
        Line = diagnostic.Location.Line,
        Column = diagnostic.Location.Column,
        FieldPath = diagnostic.FieldPath,
        Fix = diagnostic.Fix,
    };
}
