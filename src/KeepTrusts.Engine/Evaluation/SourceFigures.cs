namespace KeepTrusts.Engine.Evaluation;

/// <summary>The figures for the samples of one <c>source</c>; a rate is null when the source has no samples of its class.</summary>
public sealed record SourceFigures(string Source, int Samples, int Attacks, int Benign, int TruePositives, int FalsePositives)
{
    public double? Recall => Attacks == 0 ? null : (double)TruePositives / Attacks;

    public double? FalsePositiveRate => Benign == 0 ? null : (double)FalsePositives / Benign;
}
