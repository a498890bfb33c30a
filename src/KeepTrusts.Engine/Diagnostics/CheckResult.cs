namespace KeepTrusts.Engine.Diagnostics;

/// <summary>
/// One link of the private-endpoint chain: a stable id, the seed's gotcha number where it names one, what was
/// seen (Message), the data behind it (Evidence) and the exact command that fixes it (Remediation).
/// </summary>
public sealed record CheckResult(
    string Check,
    int? Gotcha,
    CheckStatus Status,
    string Message,
    IReadOnlyList<KeyValuePair<string, string>> Evidence,
    string? Remediation)
{
    /// <summary>Evidence as one line: "key=value; key=value".</summary>
    public string EvidenceText => string.Join("; ", Evidence.Select(e => $"{e.Key}={e.Value}"));
}
