namespace KeepTrusts.Engine.Configuration;

public enum DiagnosticSeverity
{
    Error,
    Warning,
}
