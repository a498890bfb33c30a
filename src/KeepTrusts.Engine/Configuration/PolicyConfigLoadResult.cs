namespace KeepTrusts.Engine.Configuration;

/// <summary>The outcome of loading a policy-config: the bound config (when it could be bound) and every diagnostic.</summary>
public sealed class PolicyConfigLoadResult
{
    public PolicyConfigLoadResult(string path, PolicyConfig? config, IReadOnlyList<ConfigDiagnostic> diagnostics)
    {
        Path = path;
        Config = config;
        Diagnostics = diagnostics;
    }

    public string Path { get; }

    /// <summary>Null when the file could not be read or parsed; otherwise bound as far as possible.</summary>
    public PolicyConfig? Config { get; }

    public IReadOnlyList<ConfigDiagnostic> Diagnostics { get; }

    public IEnumerable<ConfigDiagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

    public IEnumerable<ConfigDiagnostic> Warnings => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning);

    public bool IsValid => Config is not null && !Errors.Any();
}
