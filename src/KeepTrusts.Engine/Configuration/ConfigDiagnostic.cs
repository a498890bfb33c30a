namespace KeepTrusts.Engine.Configuration;

/// <summary>One problem found in a policy-config file: what, where (file:line:column and field path) and the fix.</summary>
public sealed record ConfigDiagnostic(
    DiagnosticSeverity Severity,
    string Code,
    string Message,
    SourceLocation Location,
    string FieldPath,
    string Fix)
{
    /// <summary>Compiler-style line: <c>file:3:5: error KT1002: message (at providers.targets[0]) Fix: ...</c>.</summary>
    public override string ToString()
    {
        var severity = Severity == DiagnosticSeverity.Error ? "error" : "warning";
        var at = string.IsNullOrEmpty(FieldPath) ? string.Empty : $" (at {FieldPath})";
        var fix = string.IsNullOrEmpty(Fix) ? string.Empty : $" Fix: {Fix}";
        return $"{Location}: {severity} {Code}: {Message}{at}.{fix}";
    }
}
