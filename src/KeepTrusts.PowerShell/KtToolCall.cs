namespace KeepTrusts.PowerShell;

/// <summary>A function call the model asked for. Run it, then answer with Invoke-KtChat -ToolOutput @{ '&lt;Id&gt;' = result }.</summary>
public sealed class KtToolCall
{
    public string Id { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    /// <summary>The arguments as the model wrote them (JSON text; ConvertFrom-Json reads them).</summary>
    public string Arguments { get; init; } = string.Empty;

    public override string ToString() => $"{Name}({Arguments})";
}
