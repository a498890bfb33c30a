namespace KeepTrusts.Engine.Evaluation;

/// <summary>
/// A score threshold and what it gives on a labelled set: the share of attacks at or above it (TPR, recall) and the
/// share of benign texts at or above it (FPR).
/// </summary>
public sealed record OperatingPoint(double Threshold, double TruePositiveRate, double FalsePositiveRate)
{
    /// <summary>
    /// The lowest threshold whose false-positive rate stays at or under <paramref name="maxFpr"/>, and its TPR; null when
    /// the set has no attacks or no benign texts. Ties count together: a threshold passes or flags every text with that score.
    /// </summary>
    public static OperatingPoint? AtFpr(IReadOnlyList<(double Score, bool Attack)> scored, double maxFpr)
    {
        var attacks = scored.Count(s => s.Attack);
        var benign = scored.Count - attacks;
        if (attacks == 0 || benign == 0)
        {
            return null;
        }

        var sorted = scored.OrderByDescending(s => s.Score).ToArray();
        OperatingPoint? best = null;
        int tp = 0, fp = 0;
        for (var i = 0; i < sorted.Length;)
        {
            var threshold = sorted[i].Score;
            for (; i < sorted.Length && sorted[i].Score == threshold; i++)
            {
                if (sorted[i].Attack)
                {
                    tp++;
                }
                else
                {
                    fp++;
                }
            }

            var fpr = (double)fp / benign;
            if (fpr > maxFpr)
            {
                break;
            }

            best = new OperatingPoint(threshold, (double)tp / attacks, fpr);
        }

        // Nothing flagged at all still meets the FPR bound: a threshold above every score.
        return best ?? new OperatingPoint(double.PositiveInfinity, 0, 0);
    }
}
