namespace KeepTrusts.Train;

/// <summary>
/// Maps margins to the 0..1 score the policy compares with its threshold: p = σ(scale · margin + offset). The scale is
/// Platt's slope fitted on out-of-fold margins. The offset puts the default threshold 0.8 where the combined detector
/// (max of heuristic score and model probability, as the policy runs it) flags <see cref="TargetFpr"/> of the training
/// set's benign texts, out of fold. Monotone, so it changes no ranking (TPR at a given FPR of the model alone is
/// unchanged); it decides what "0.8" means.
/// </summary>
internal static class Calibration
{
    public const double TargetFpr = 0.01;
    public const double DefaultThreshold = 0.8;

    public static (float Scale, float Offset, double Margin) Fit(IReadOnlyList<TrainingExample> examples, double[] margins, double[] heuristic)
    {
        var scale = PlattSlope(examples, margins);
        var benign = Enumerable.Range(0, examples.Count).Where(i => !examples[i].Attack).ToList();
        var allowed = (int)Math.Floor(TargetFpr * benign.Count) - benign.Count(i => heuristic[i] >= DefaultThreshold);

        // Benign texts the heuristics pass, highest margin first: the model may flag the first `allowed` of them.
        var passed = benign.Where(i => heuristic[i] < DefaultThreshold).Select(i => margins[i]).OrderByDescending(m => m).ToList();
        var margin = passed.Count == 0 ? margins.Max() : Math.Max(0, allowed) < passed.Count ? passed[Math.Max(0, allowed)] : passed[^1] - 1e-6;

        // Just above that benign text's margin (ties stay below the threshold).
        margin = Math.BitIncrement(margin);
        var offset = Math.Log(DefaultThreshold / (1 - DefaultThreshold)) - scale * margin;
        return ((float)scale, (float)offset, margin);
    }

    /// <summary>Slope a and intercept c of σ(a·m + c) by Newton's method on the log loss (two parameters, exact).</summary>
    private static double PlattSlope(IReadOnlyList<TrainingExample> examples, double[] margins)
    {
        double a = 1, c = 0;
        for (var iteration = 0; iteration < 50; iteration++)
        {
            double ga = 0, gc = 0, haa = 0, hac = 0, hcc = 0;
            for (var i = 0; i < margins.Length; i++)
            {
                var p = 1 / (1 + Math.Exp(-(a * margins[i] + c)));
                var y = examples[i].Attack ? 1 : 0;
                var w = p * (1 - p) + 1e-12;
                ga += (p - y) * margins[i];
                gc += p - y;
                haa += w * margins[i] * margins[i];
                hac += w * margins[i];
                hcc += w;
            }

            var det = haa * hcc - hac * hac;
            if (Math.Abs(det) < 1e-12)
            {
                break;
            }

            var da = (hcc * ga - hac * gc) / det;
            var dc = (haa * gc - hac * ga) / det;
            a -= da;
            c -= dc;
            if (Math.Abs(da) + Math.Abs(dc) < 1e-9)
            {
                break;
            }
        }

        return Math.Clamp(a, 0.05, 20);
    }
}
