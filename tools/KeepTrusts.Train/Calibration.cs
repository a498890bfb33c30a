namespace KeepTrusts.Train;

/// <summary>
/// Maps margins to the 0..1 score the policy compares with its threshold: p = σ(scale · margin + offset). The scale is
/// Platt's slope fitted on cluster-fold out-of-fold margins. The offset puts the default threshold 0.8 where the combined
/// detector (max of heuristic score and model probability, as the policy runs it) flags <see cref="TargetFpr"/> of the
/// training set's benign texts, weighted by <see cref="BenignWeighting"/>, on out-of-fold margins: by default (rounds 3-8)
/// cluster-fold margins with a source weighing as the square root of its size; round 8 tried leave-source-out folds
/// (each text scored by a model that never saw its source, the proxy for authors nobody here has read) with every text
/// alike, not made the default (docs/policies.md, "Round 8 model"). <see cref="SourceTransfer"/> checks how the rate
/// holds on a benign source the fit never saw. Monotone, so it changes no ranking; it decides what "0.8" means.
/// </summary>
internal static class Calibration
{
    public const double TargetFpr = 0.01;
    public const double DefaultThreshold = 0.8;

    /// <param name="slopeMargins">Margins the slope is fitted on: the cluster-fold ones. Fitted on leave-source-out
    /// margins, where a family the fold never saw is missed with confidence, the slope collapses to its floor (0.05 in
    /// round 8: every text would score 0.6-0.8), so those set only where 0.8 sits (<paramref name="margins"/>).</param>
    public static (float Scale, float Offset, double Margin) Fit(IReadOnlyList<TrainingExample> examples, double[] margins, double[] heuristic, BenignWeighting weighting, double[]? slopeMargins = null)
    {
        var scale = PlattSlope(examples, slopeMargins ?? margins);
        var benign = Enumerable.Range(0, examples.Count).Where(i => !examples[i].Attack).ToList();
        var margin = MarginAtFpr(examples, benign, margins, heuristic, weighting, TargetFpr);
        var offset = Math.Log(DefaultThreshold / (1 - DefaultThreshold)) - scale * margin;
        return ((float)scale, (float)offset, margin);
    }

    /// <summary>
    /// The lowest margin at which heuristics + model flag at most <paramref name="fpr"/> of the benign texts, each
    /// text weighted by <paramref name="weighting"/>: the model may flag the highest-margin benign texts the heuristics
    /// pass until their weight (with the heuristics' own false positives) would exceed the budget. Just above that
    /// text's margin (ties stay below).
    /// </summary>
    public static double MarginAtFpr(IReadOnlyList<TrainingExample> examples, IReadOnlyList<int> benign, double[] margins, double[] heuristic, BenignWeighting weighting, double fpr)
    {
        var weight = Weights(examples, benign, weighting);
        var total = benign.Sum(i => weight[i]);
        var budget = fpr * total - benign.Where(i => heuristic[i] >= DefaultThreshold).Sum(i => weight[i]);
        var passed = benign.Where(i => heuristic[i] < DefaultThreshold).OrderByDescending(i => margins[i]).ThenBy(i => i).ToList();
        if (passed.Count == 0)
        {
            return Math.BitIncrement(margins.Max());
        }

        var spent = 0.0;
        foreach (var i in passed)
        {
            spent += weight[i];
            if (spent > budget + 1e-12)
            {
                return Math.BitIncrement(margins[i]);
            }
        }

        return passed.Select(i => margins[i]).Min() - 1e-6;
    }

    /// <summary>
    /// How well a threshold fitted on some benign sources holds its false-positive rate on a source it never saw: each
    /// benign source (kt-authored languages as one; at least <see cref="MinSourceGroup"/> texts) in turn is left out, the margin for 1 % FPR is
    /// fitted on the rest with <paramref name="weighting"/>, and the left-out group's FPR at that margin is recorded.
    /// Returns the mean and the highest of those FPRs and the groups.
    /// </summary>
    public static (double Mean, double Max, string Worst) SourceTransfer(IReadOnlyList<TrainingExample> examples, double[] margins, double[] heuristic, BenignWeighting weighting)
    {
        var benign = Enumerable.Range(0, examples.Count).Where(i => !examples[i].Attack).ToList();
        var groups = BenignSources(examples, benign);
        var fprs = new List<(double Fpr, string Group)>();
        foreach (var group in groups)
        {
            var rest = benign.Where(i => Group(examples, i) != group.Key).ToList();
            var margin = MarginAtFpr(examples, rest, margins, heuristic, weighting, TargetFpr);
            fprs.Add((group.Count(i => Flagged(i, margins, heuristic, margin)) / (double)group.Count(), group.Key));
        }

        if (fprs.Count == 0)
        {
            return (double.NaN, double.NaN, "no benign source large enough to leave out");
        }

        var worst = fprs.MaxBy(f => f.Fpr);
        return (fprs.Average(f => f.Fpr), worst.Fpr, $"{worst.Group} {worst.Fpr:P1}");
    }

    /// <summary>What heuristics + model flag out of fold at <paramref name="margin"/>: the share of attacks and of benign texts.</summary>
    public static (double Recall, double Fpr) RatesAt(IReadOnlyList<TrainingExample> examples, double[] margins, double[] heuristic, double margin)
    {
        int attacks = 0, caught = 0, benign = 0, flagged = 0;
        for (var i = 0; i < examples.Count; i++)
        {
            var hit = Flagged(i, margins, heuristic, margin);
            if (examples[i].Attack)
            {
                (attacks, caught) = (attacks + 1, caught + (hit ? 1 : 0));
            }
            else
            {
                (benign, flagged) = (benign + 1, flagged + (hit ? 1 : 0));
            }
        }

        return (caught / (double)attacks, flagged / (double)benign);
    }

    /// <summary>The false-positive rate of heuristics + model at <paramref name="margin"/> averaged over benign sources (kt-authored as one, at least <see cref="MinSourceGroup"/> texts).</summary>
    public static double MeanSourceFpr(IReadOnlyList<TrainingExample> examples, double[] margins, double[] heuristic, double margin) =>
        BenignSources(examples, Enumerable.Range(0, examples.Count).Where(i => !examples[i].Attack).ToList())
            .Select(g => g.Count(i => Flagged(i, margins, heuristic, margin)) / (double)g.Count()).DefaultIfEmpty(double.NaN).Average();

    /// <summary>The detector as the policy runs it: the model's margin at or over <paramref name="margin"/>, or the heuristics at 0.8.</summary>
    private static bool Flagged(int i, double[] margins, double[] heuristic, double margin) => margins[i] >= margin || heuristic[i] >= DefaultThreshold;

    /// <summary>The benign texts by source (kt-authored as one), sources of at least <see cref="MinSourceGroup"/> texts.</summary>
    private static List<IGrouping<string, int>> BenignSources(IReadOnlyList<TrainingExample> examples, IReadOnlyList<int> benign) =>
        benign.GroupBy(i => Group(examples, i)).Where(g => g.Count() >= MinSourceGroup).ToList();

    /// <summary>A benign source with fewer texts weighs as if it had this many (one text cannot swing the fit) and is not left out on its own.</summary>
    public const int MinSourceGroup = 20;

    private static string Group(IReadOnlyList<TrainingExample> examples, int i) => CrossValidation.Family(examples[i].Source);

    private static double[] Weights(IReadOnlyList<TrainingExample> examples, IReadOnlyList<int> benign, BenignWeighting weighting)
    {
        var weight = new double[examples.Count];
        var sizes = benign.GroupBy(i => CrossValidation.Family(examples[i].Source)).ToDictionary(g => g.Key, g => g.Count());
        foreach (var i in benign)
        {
            var size = Math.Max(sizes[CrossValidation.Family(examples[i].Source)], MinSourceGroup);
            weight[i] = weighting switch
            {
                BenignWeighting.PerSource => 1.0 / size,
                BenignWeighting.SquareRoot => 1.0 / Math.Sqrt(size),
                _ => 1.0,
            };
        }

        return weight;
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
