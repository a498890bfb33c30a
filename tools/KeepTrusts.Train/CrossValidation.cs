using KeepTrusts.Engine.Evaluation;

namespace KeepTrusts.Train;

/// <summary>
/// Stratified k-fold cross-validation on the training set only: each example is scored by a model that did not see it
/// (out-of-fold margins). Hyperparameters are chosen on these and the calibration is fitted on them; the held-out and
/// second sets are never used here.
/// </summary>
internal static class CrossValidation
{
    public static double[] OutOfFoldMargins(IReadOnlyList<TrainingExample> examples, ModelShape shape, Hyperparameters parameters, int folds, int seed)
    {
        var fold = AssignFolds(examples, folds, seed);
        var margins = new double[examples.Count];
        for (var f = 0; f < folds; f++)
        {
            var training = examples.Where((_, i) => fold[i] != f).ToList();
            var (weights, bias) = new LogisticTrainer(shape, parameters, seed).Train(training);
            for (var i = 0; i < examples.Count; i++)
            {
                if (fold[i] == f)
                {
                    margins[i] = LogisticTrainer.Margin(examples[i], weights, bias);
                }
            }
        }

        return margins;
    }

    public static OperatingPoint At(IReadOnlyList<TrainingExample> examples, double[] margins, double fpr) =>
        OperatingPoint.AtFpr(margins.Select((m, i) => (m, examples[i].Attack)).ToList(), fpr)!;

    /// <summary>Attacks and benign texts dealt round-robin into folds, each class in a seeded order.</summary>
    private static int[] AssignFolds(IReadOnlyList<TrainingExample> examples, int folds, int seed)
    {
        var fold = new int[examples.Count];
        var random = new Random(seed);
        foreach (var attack in new[] { true, false })
        {
            var members = Enumerable.Range(0, examples.Count).Where(i => examples[i].Attack == attack).ToArray();
            random.Shuffle(members);
            for (var j = 0; j < members.Length; j++)
            {
                fold[members[j]] = j % folds;
            }
        }

        return fold;
    }
}
