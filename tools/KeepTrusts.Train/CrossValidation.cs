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
    public static double[] OutOfFoldMargins(IReadOnlyList<TrainingExample> examples, int[] fold, ModelShape shape, Hyperparameters parameters, int seed, IReadOnlyList<(TrainingExample Example, int[] Origins)>? augmented = null, int threads = 1) =>
        OutOfFoldMargins(examples, fold, shape, parameters, seed, augmented, threads, [0])[0];

    /// <summary>Out-of-fold margins of each fold's regression with <see cref="NaiveBayesRatios"/> of the same fold's
    /// training texts added, times each of <paramref name="mixes"/> (0: the regression alone).</summary>
    public static double[][] OutOfFoldMargins(IReadOnlyList<TrainingExample> examples, int[] fold, ModelShape shape, Hyperparameters parameters, int seed, IReadOnlyList<(TrainingExample Example, int[] Origins)>? augmented, int threads, double[] mixes)
    {
        var folds = fold.Max() + 1;
        var margins = mixes.Select(_ => new double[examples.Count]).ToArray();
        Parallel.For(0, folds, new ParallelOptions { MaxDegreeOfParallelism = threads }, f =>
        {
            var training = examples.Where((_, i) => fold[i] != f).ToList();
            if (augmented is not null)
            {
                training.AddRange(augmented.Where(a => a.Origins.All(o => fold[o] != f)).Select(a => a.Example));
            }

            var (weights, bias) = new LogisticTrainer(shape, parameters, seed).Train(training);
            var ratios = mixes.Any(m => m != 0) ? NaiveBayesRatios.Fit(training, shape.Bits) : null;
            for (var m = 0; m < mixes.Length; m++)
            {
                var mixed = mixes[m] == 0 ? weights : NaiveBayesRatios.Mix(weights, ratios!, mixes[m]);
                for (var i = 0; i < examples.Count; i++)
                {
                    if (fold[i] == f)
                    {
                        margins[m][i] = LogisticTrainer.Margin(examples[i], mixed, bias);
                    }
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

    /// <summary>
    /// Leave-source-out: every source (its texts of both labels; the kt-authored languages as one) goes whole into one
    /// of <paramref name="groups"/> folds, largest first, each to the fold holding the fewest texts so far; sources that share a near-duplicate
    /// cluster go together. A text is then scored by a model that never saw its source's attacks or benign texts: the
    /// closest proxy the training data offers for authors nobody here has read (round 8).
    /// </summary>
    public static int[] SourceFolds(IReadOnlyList<TrainingExample> examples, int[] cluster, int groups)
    {
        // Union-find over sources joined by a shared near-duplicate cluster.
        var sources = examples.Select(e => Family(e.Source)).Distinct().Order(StringComparer.Ordinal).ToList();
        var parent = sources.ToDictionary(s => s, s => s, StringComparer.Ordinal);
        string Root(string s) => parent[s] == s ? s : parent[s] = Root(parent[s]);
        foreach (var members in Enumerable.Range(0, examples.Count).GroupBy(i => cluster[i]))
        {
            var first = Root(Family(examples[members.First()].Source));
            foreach (var i in members)
            {
                var other = Root(Family(examples[i].Source));
                if (other != first)
                {
                    parent[other] = first;
                }
            }
        }

        var units = sources.GroupBy(Root).Select(g => (Sources: g.ToHashSet(StringComparer.Ordinal), Size: examples.Count(e => g.Contains(Family(e.Source)))))
            .OrderByDescending(u => u.Size).ThenBy(u => u.Sources.Min(StringComparer.Ordinal), StringComparer.Ordinal).ToList();
        var folds = Math.Min(groups, units.Count);
        var unitFold = new Dictionary<string, int>(StringComparer.Ordinal);
        var size = new int[folds];
        foreach (var unit in units)
        {
            var target = Array.IndexOf(size, size.Min());
            size[target] += unit.Size;
            foreach (var source in unit.Sources)
            {
                unitFold[source] = target;
            }
        }

        return examples.Select(e => unitFold[Family(e.Source)]).ToArray();
    }

    public static string Family(string source) => source.StartsWith("kt-authored", StringComparison.Ordinal) ? "kt-authored" : source;
}
