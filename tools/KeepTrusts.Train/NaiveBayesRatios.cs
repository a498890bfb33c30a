namespace KeepTrusts.Train;

/// <summary>
/// Naive Bayes log-count ratios over the same hashed features (NB-SVM, Wang and Manning 2012): a slot's weight is
/// log(p / ‖p‖₁) − log(q / ‖q‖₁), p and q the smoothed counts of windows holding it among attacks and benign texts (each
/// text weighing 1, shared among its windows). Generative, so it weighs rare phrasings by how one-sided they are, where
/// the logistic regression spends little on a slot it does not need; added to the regression's weights times a mix
/// factor it is one linear model again (same features, same normalizer), so inference is unchanged. Round 8 experiment.
/// </summary>
internal static class NaiveBayesRatios
{
    private const double Smoothing = 1;

    public static float[] Fit(IReadOnlyList<TrainingExample> examples, int bits)
    {
        var attack = new double[1 << bits];
        var benign = new double[1 << bits];
        var stamp = new int[1 << bits];
        var visit = 0;
        foreach (var example in examples)
        {
            var counts = example.Attack ? attack : benign;
            var share = 1.0 / example.Windows.Length;
            foreach (var window in example.Windows)
            {
                visit++;
                foreach (var slot in window)
                {
                    if (stamp[slot] != visit)
                    {
                        stamp[slot] = visit;
                        counts[slot] += share;
                    }
                }
            }
        }

        var attackTotal = attack.Sum() + Smoothing * attack.Length;
        var benignTotal = benign.Sum() + Smoothing * benign.Length;
        var ratios = new float[1 << bits];
        for (var j = 0; j < ratios.Length; j++)
        {
            ratios[j] = (float)(Math.Log((attack[j] + Smoothing) / attackTotal) - Math.Log((benign[j] + Smoothing) / benignTotal));
        }

        return ratios;
    }

    /// <summary>The regression's weights plus <paramref name="mix"/> times the ratios.</summary>
    public static float[] Mix(float[] weights, float[] ratios, double mix) =>
        mix == 0 ? weights : weights.Select((w, j) => (float)(w + mix * ratios[j])).ToArray();
}
