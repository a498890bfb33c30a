using KeepTrusts.Engine.Evaluation;

namespace KeepTrusts.Train;

/// <summary>
/// k-fold cross-validation on the training set only: each example is scored by a model that did not see it
/// (out-of-fold margins). Folds are made of whole near-duplicate clusters (<see cref="NearDuplicateClusters"/>), so a
/// variant of a text never scores it. Hyperparameters are chosen on these and the calibration is fitted on them; the
/// held-out and second sets are never used here.
/// </summary>
internal static class CrossValidation
{
    /// <param name="augmented">Augmented texts (<see cref="Augmentation"/>) and the samples each was made from: a fold's
    /// model trains on one only when none of its origins is in that fold.</param>
    /// <param name="threads">Folds trained at once; each fold's model is independent of the others, so the margins
    /// are the same for any count.</param>
    public static double[] OutOfFoldMargins(IReadOnlyList<TrainingExample> examples, int[] fold, ModelShape shape, Hyperparameters parameters, int seed, IReadOnlyList<(TrainingExample Example, int[] Origins)>? augmented = null, int threads = 1)
    {
        var folds = fold.Max() + 1;
        var margins = new double[examples.Count];
        Parallel.For(0, folds, new ParallelOptions { MaxDegreeOfParallelism = threads }, f =>
        {
            var training = examples.Where((_, i) => fold[i] != f).ToList();
            if (augmented is not null)
            {
                training.AddRange(augmented.Where(a => a.Origins.All(o => fold[o] != f)).Select(a => a.Example));
            }

            var (weights, bias) = new LogisticTrainer(shape, parameters, seed).Train(training);
            for (var i = 0; i < examples.Count; i++)
            {
                if (fold[i] == f)
                {
                    margins[i] = LogisticTrainer.Margin(examples[i], weights, bias);
                }
            }
        });

        return margins;
    }

    public static OperatingPoint At(IReadOnlyList<TrainingExample> examples, double[] margins, double fpr) =>
        OperatingPoint.AtFpr(margins.Select((m, i) => (m, examples[i].Attack)).ToList(), fpr)!;

    /// <summary>
    /// Whole clusters dealt into folds in a seeded order, each to the fold that so far holds the fewest texts of the
    /// cluster's majority label, so every fold has about the same share of attacks and benign texts.
    /// </summary>
    public static int[] ClusterFolds(IReadOnlyList<TrainingExample> examples, int[] cluster, int folds, int seed)
    {
        var groups = Enumerable.Range(0, examples.Count).GroupBy(i => cluster[i]).Select(g => g.ToArray()).ToArray();
        new Random(seed).Shuffle(groups);
        var fold = new int[examples.Count];
        var attacks = new int[folds];
        var benign = new int[folds];
        foreach (var group in groups.OrderByDescending(g => g.Length))
        {
            var attackCount = group.Count(i => examples[i].Attack);
            var counts = attackCount * 2 >= group.Length ? attacks : benign;
            var target = Array.IndexOf(counts, counts.Min());
            foreach (var i in group)
            {
                fold[i] = target;
            }

            attacks[target] += attackCount;
            benign[target] += group.Length - attackCount;
        }

        return fold;
    }

    /// <summary>
    /// Leave-one-family-out: every attack family (its source, languages of one source counted as one) is a fold of its
    /// own, with a share of the benign clusters; an attack is then scored by a model that never saw its family. This
    /// measures transfer to kinds of attack the training data lacks, which k-fold cannot. With <paramref name="groups"/>
    /// above 0 the families are dealt (largest first, in snake order) into that many folds instead: every attack is
    /// still scored by a model that never saw its family (nor the others of its fold), at a fifth of the cost for 5.
    /// </summary>
    public static (int[] Fold, string[] Families) FamilyFolds(IReadOnlyList<TrainingExample> examples, int[] cluster, int seed, int groups = 0)
    {
        var families = examples.Where(e => e.Attack).Select(e => Family(e.Source)).Distinct().Order(StringComparer.Ordinal).ToArray();
        var folds = groups > 0 ? Math.Min(groups, families.Length) : families.Length;
        var familyFold = new Dictionary<string, int>();
        var bySize = families.OrderByDescending(f => examples.Count(e => e.Attack && Family(e.Source) == f)).ThenBy(f => f, StringComparer.Ordinal).ToArray();
        for (var r = 0; r < bySize.Length; r++)
        {
            var round = r / folds;
            familyFold[bySize[r]] = groups > 0 ? (round % 2 == 0 ? r % folds : folds - 1 - r % folds) : Array.IndexOf(families, bySize[r]);
        }

        var fold = new int[examples.Count];
        var benignGroups = Enumerable.Range(0, examples.Count).Where(i => !examples[i].Attack).GroupBy(i => cluster[i]).Select(g => g.ToArray()).ToArray();
        new Random(seed).Shuffle(benignGroups);
        for (var g = 0; g < benignGroups.Length; g++)
        {
            foreach (var i in benignGroups[g])
            {
                fold[i] = g % folds;
            }
        }

        for (var i = 0; i < examples.Count; i++)
        {
            if (examples[i].Attack)
            {
                fold[i] = familyFold[Family(examples[i].Source)];
            }
        }

        return (fold, families);
    }

    public static string Family(string source) => source.StartsWith("kt-authored", StringComparison.Ordinal) ? "kt-authored" : source;
}
