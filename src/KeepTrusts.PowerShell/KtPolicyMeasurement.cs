namespace KeepTrusts.PowerShell;

/// <summary>What Measure-KtPolicy measured: a policy config's request chain on a labelled JSONL set.</summary>
public sealed class KtPolicyMeasurement
{
    public string ConfigPath { get; init; } = string.Empty;

    public string DataPath { get; init; } = string.Empty;

    /// <summary>The request chain, in order.</summary>
    public string[] Chain { get; init; } = [];

    public int Samples { get; init; }

    public int Attacks { get; init; }

    public int Benign { get; init; }

    public int TruePositives { get; init; }

    public int FalsePositives { get; init; }

    public int FalseNegatives { get; init; }

    public int TrueNegatives { get; init; }

    /// <summary>Null when nothing was flagged.</summary>
    public double? Precision { get; init; }

    /// <summary>Null when the set has no attacks.</summary>
    public double? Recall { get; init; }

    /// <summary>Null when the set has no benign samples.</summary>
    public double? FalsePositiveRate { get; init; }

    /// <summary>Share of attacks caught at the lowest score threshold that keeps the false-positive rate at or under 1 %.</summary>
    public double? TprAtFpr1 { get; init; }

    public double? ThresholdAtFpr1 { get; init; }

    public double? TprAtFpr5 { get; init; }

    public double? ThresholdAtFpr5 { get; init; }

    public double LatencyP50Microseconds { get; init; }

    public double LatencyP99Microseconds { get; init; }

    public KtPolicySourceMeasurement[] Sources { get; init; } = [];

    /// <summary>The first samples the chain got wrong (missed attacks and false alarms), in file order.</summary>
    public KtPolicyMistake[] Mistakes { get; init; } = [];
}
