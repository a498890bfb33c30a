namespace KeepTrusts.Train;

/// <summary>
/// Maps margins to the 0..1 score the policy compares with its threshold: p = σ(scale · margin + offset). The scale is
/// Platt's slope fitted on out-of-fold margins; the offset puts the default threshold 0.8 at the out-of-fold margin
/// where the training set's false-positive rate is <see cref="TargetFpr"/>. Monotone, so it changes no ranking (TPR at
/// a given FPR is unchanged); it only decides what "0.8" means.
/// </summary>
internal static class Calibration
{
    public const double TargetFpr = 0.005;
    public const double DefaultThreshold = 0.8;

    public static (float Scale, float Offset, double Margin) Fit(IReadOnlyList<TrainingExample> examples, double[] margins)
    {
        var scale = PlattSlope(examples, margins);
        var margin = CrossValidation.At(examples, margins, TargetFpr).Threshold;
        if (double.IsInfinity(margin))
        {
            margin = margins.Max() + 1e-6;
        }

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
