namespace KeepTrusts.PowerShell;

/// <summary>A sample Measure-KtPolicy's chain got wrong: where it is, which way, its score and the chain's reason.</summary>
public sealed class KtPolicyMistake
{
    /// <summary>file:line of the sample.</summary>
    public string Location { get; init; } = string.Empty;

    /// <summary>The sample's line in the data file (the table shows it, since every row shares the file).</summary>
    public int Line { get; init; }

    /// <summary>MissedAttack or FalseAlarm.</summary>
    public string Kind { get; init; } = string.Empty;

    public double Score { get; init; }

    public string Reason { get; init; } = string.Empty;

    /// <summary>The text, cut at 160 characters.</summary>
    public string Text { get; init; } = string.Empty;
}
