namespace KeepTrusts.PowerShell;

/// <summary>Measure-KtPolicy's figures for the samples of one <c>source</c>.</summary>
public sealed class KtPolicySourceMeasurement
{
    public string Source { get; init; } = string.Empty;

    public int Samples { get; init; }

    public int Attacks { get; init; }

    public int Benign { get; init; }

    public int TruePositives { get; init; }

    public int FalsePositives { get; init; }

    /// <summary>Null when the source has no attacks.</summary>
    public double? Recall { get; init; }

    /// <summary>Null when the source has no benign samples.</summary>
    public double? FalsePositiveRate { get; init; }
}
