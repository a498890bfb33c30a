using KeepTrusts.Engine.Policies.PromptInjection;

namespace KeepTrusts.Train;

/// <summary>
/// Logistic regression by AdaGrad SGD, single-threaded, in an order fixed by the seed: the same examples give the
/// same weights, bit for bit. Classes are weighted to count equally. L2 applies to the slots an example touches.
/// A text of several windows counts as its highest-scoring window when it is an attack (the attack may sit in one
/// window only: multiple-instance learning) and as every window when it is benign (no window may look like an attack),
/// which matches inference, where the highest window decides. With <see cref="Hyperparameters.FeatureDropout"/> above 0
/// each step sees a random subset of the window's n-grams (an experiment; off by default).
/// </summary>
internal sealed class LogisticTrainer(ModelShape shape, Hyperparameters parameters, int seed)
{
    private const double Epsilon = 1e-8;

    public (float[] Weights, float Bias) Train(IReadOnlyList<TrainingExample> examples)
    {
        var weights = new double[1 << shape.Bits];
        var squares = new double[1 << shape.Bits];
        double bias = 0, biasSquares = 0;
        var attacks = examples.Count(e => e.Attack);
        var benign = examples.Count - attacks;
        var attackWeight = examples.Count / (2.0 * Math.Max(1, attacks));
        var benignWeight = parameters.BenignBoost * examples.Count / (2.0 * Math.Max(1, benign));

        // Benign texts weighted by source size^-SourceBalance, attacks by family size^-AttackBalance, each class's mean kept.
        var (sourceWeight, meanWeight) = FamilyWeights(attack: false, parameters.SourceBalance, benign);
        var (familyWeight, meanFamilyWeight) = FamilyWeights(attack: true, parameters.AttackBalance, attacks);
        var order = Enumerable.Range(0, examples.Count).ToArray();
        var random = new Random(seed);
        var kept = new List<int>();
        for (var epoch = 0; epoch < parameters.Epochs; epoch++)
        {
            random.Shuffle(order);
            foreach (var i in order)
            {
                var example = examples[i];
                if (example.Attack)
                {
                    Step(Highest(example, weights, bias), 1, attackWeight * familyWeight[CrossValidation.Family(example.Source)] / meanFamilyWeight);
                }
                else
                {
                    foreach (var window in example.Windows)
                    {
                        Step(window, 0, benignWeight * sourceWeight[CrossValidation.Family(example.Source)] / meanWeight / example.Windows.Length * Math.Min(example.Windows.Length, 3));
                    }
                }
            }
        }

        return (weights.Select(w => (float)w).ToArray(), (float)bias);

        // One class's texts: each family's weight size^-exponent, and the mean weight that dividing by keeps the class's total.
        (Dictionary<string, double> Weight, double Mean) FamilyWeights(bool attack, double exponent, int count)
        {
            var sizes = examples.Where(e => e.Attack == attack).GroupBy(e => CrossValidation.Family(e.Source)).ToDictionary(g => g.Key, g => g.Count());
            var weight = sizes.ToDictionary(p => p.Key, p => Math.Pow(p.Value, -exponent));
            return (weight, sizes.Sum(p => p.Value * weight[p.Key]) / Math.Max(1, count));
        }

        void Step(int[] window, int label, double classWeight)
        {
            var norm = 1 / Math.Sqrt(Math.Max(window.Length, InjectionModel.MinNormalizerCount));
            if (parameters.FeatureDropout > 0)
            {
                // Blankout: a random subset of the window's n-grams, each scaled up so the expected sum is unchanged.
                kept.Clear();
                foreach (var slot in window)
                {
                    if (random.NextDouble() >= parameters.FeatureDropout)
                    {
                        kept.Add(slot);
                    }
                }

                norm /= 1 - parameters.FeatureDropout;
                window = [.. kept];
            }

            var margin = bias;
            foreach (var slot in window)
            {
                margin += weights[slot] * norm;
            }

            var gradient = classWeight * (Sigmoid(margin) - label);
            foreach (var slot in window)
            {
                var g = gradient * norm + parameters.L2 * weights[slot];
                squares[slot] += g * g;
                weights[slot] -= parameters.LearningRate * g / Math.Sqrt(squares[slot] + Epsilon);
            }

            biasSquares += gradient * gradient;
            bias -= parameters.LearningRate * gradient / Math.Sqrt(biasSquares + Epsilon);
        }
    }

    public static double Margin(int[] window, ReadOnlySpan<double> weights, double bias)
    {
        var sum = 0.0;
        foreach (var slot in window)
        {
            sum += weights[slot];
        }

        return bias + sum / Math.Sqrt(Math.Max(window.Length, InjectionModel.MinNormalizerCount));
    }

    /// <summary>The example's margin as inference computes it: its highest window.</summary>
    public static double Margin(TrainingExample example, float[] weights, float bias)
    {
        var best = double.NegativeInfinity;
        foreach (var window in example.Windows)
        {
            var sum = 0.0;
            foreach (var slot in window)
            {
                sum += weights[slot];
            }

            best = Math.Max(best, bias + sum / Math.Sqrt(Math.Max(window.Length, InjectionModel.MinNormalizerCount)));
        }

        return best;
    }

    private static int[] Highest(TrainingExample example, double[] weights, double bias)
    {
        if (example.Windows.Length == 1)
        {
            return example.Windows[0];
        }

        var best = example.Windows[0];
        var bestMargin = double.NegativeInfinity;
        foreach (var window in example.Windows)
        {
            var margin = Margin(window, weights, bias);
            if (margin > bestMargin)
            {
                bestMargin = margin;
                best = window;
            }
        }

        return best;
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}
