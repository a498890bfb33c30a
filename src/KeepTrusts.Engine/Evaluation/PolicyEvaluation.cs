namespace KeepTrusts.Engine.Evaluation;

/// <summary>
/// What a policy config's request chain does on a labelled set. A sample is flagged when the chain blocks or changes
/// it (a policy with action <c>log</c> flags nothing). The score is the highest policy score in the chain's decisions;
/// the TPR at a fixed FPR comes from these scores, so it says what another threshold would give.
/// </summary>
public sealed record PolicyEvaluation(
    string ConfigPath,
    string DataPath,
    IReadOnlyList<string> Chain,
    int Samples,
    int Attacks,
    int Benign,
    int TruePositives,
    int FalsePositives,
    OperatingPoint? AtFpr1,
    OperatingPoint? AtFpr5,
    double LatencyP50Microseconds,
    double LatencyP99Microseconds,
    IReadOnlyList<SourceFigures> Sources,
    IReadOnlyList<EvaluationMistake> Mistakes)
{
    public int FalseNegatives => Attacks - TruePositives;

    public int TrueNegatives => Benign - FalsePositives;

    /// <summary>Null when nothing was flagged.</summary>
    public double? Precision => TruePositives + FalsePositives == 0 ? null : (double)TruePositives / (TruePositives + FalsePositives);

    public double? Recall => Attacks == 0 ? null : (double)TruePositives / Attacks;

    public double? FalsePositiveRate => Benign == 0 ? null : (double)FalsePositives / Benign;
}
