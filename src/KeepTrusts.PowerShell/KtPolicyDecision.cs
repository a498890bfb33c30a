namespace KeepTrusts.PowerShell;

/// <summary>One policy's decision on a call (never the matched text).</summary>
public sealed class KtPolicyDecision
{
    public string Policy { get; init; } = string.Empty;

    /// <summary>Request, Response or Stream.</summary>
    public string Phase { get; init; } = string.Empty;

    /// <summary>Allow, Redact or Block.</summary>
    public string Action { get; init; } = string.Empty;

    public string Reason { get; init; } = string.Empty;

    public double Score { get; init; }

    /// <summary>Kinds of what was matched, e.g. EMAIL, CREDIT_CARD.</summary>
    public string[] Matches { get; init; } = [];

    public override string ToString() => $"{Policy}: {Action} ({Reason})";
}
