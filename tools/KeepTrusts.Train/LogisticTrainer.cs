using KeepTrusts.Engine.Policies.PromptInjection;

namespace KeepTrusts.Train;

/// <summary>
/// Logistic regression by AdaGrad SGD, single-threaded, in an order fixed by the seed: the same examples give the
/// same weights, bit for bit. Classes are weighted to count equally. L2 applies to the slots an example touches.
/// A text of several windows counts as its highest-scoring window when it is an attack (the attack may sit in one
/// window only: multiple-instance learning) and as every window when it is benign (no window may look like an attack),
/// which matches inference, where the highest window decides. With static token embeddings a window's margin also adds
/// the dot product of its pooled embedding with the embedding weights, trained jointly with the n-gram weights.
/// </summary>
internal sealed class LogisticTrainer(ModelShape shape, Hyperparameters parameters, int seed)
{
    private const double Epsilon = 1e-8;

    public (float[] Weights, float[] Dense, float Bias) Train(IReadOnlyList<TrainingExample> examples)
    {
        var weights = new double[1 << shape.Bits];
        var squares = new double[1 << shape.Bits];
        var dimension = examples.FirstOrDefault(e => e.Dense is not null)?.Dense![0].Length ?? 0;
        var dense = new double[dimension];
        var denseSquares = new double[dimension];
        double bias = 0, biasSquares = 0;
        var attacks = examples.Count(e => e.Attack);
        var benign = examples.Count - attacks;
        var attackWeight = examples.Count / (2.0 * Math.Max(1, attacks));
        var benignWeight = parameters.BenignBoost * examples.Count / (2.0 * Math.Max(1, benign));

        // Benign texts weighted by source size^-SourceBalance, scaled so their mean weight stays 1.
        var sourceSizes = examples.Where(e => !e.Attack).GroupBy(e => CrossValidation.Family(e.Source)).ToDictionary(g => g.Key, g => g.Count());
        var sourceWeight = sourceSizes.ToDictionary(p => p.Key, p => Math.Pow(p.Value, -parameters.SourceBalance));
        var meanWeight = sourceSizes.Sum(p => p.Value * sourceWeight[p.Key]) / Math.Max(1, benign);
        var order = Enumerable.Range(0, examples.Count).ToArray();
        var random = new Random(seed);
        for (var epoch = 0; epoch < parameters.Epochs; epoch++)
        {
            random.Shuffle(order);
            foreach (var i in order)
            {
                var example = examples[i];
                if (example.Attack)
                {
                    var w = Highest(example, weights, dense, bias);
                    Step(example.Windows[w], example.Dense?[w], 1, attackWeight);
                }
                else
                {
                    for (var w = 0; w < example.Windows.Length; w++)
                    {
                        Step(example.Windows[w], example.Dense?[w], 0, benignWeight * sourceWeight[CrossValidation.Family(example.Source)] / meanWeight / example.Windows.Length * Math.Min(example.Windows.Length, 3));
                    }
                }
            }
        }

        return (weights.Select(w => (float)w).ToArray(), dense.Select(w => (float)w).ToArray(), (float)bias);

        void Step(int[] window, float[]? vector, int label, double classWeight)
        {
            var norm = 1 / Math.Sqrt(Math.Max(window.Length, InjectionModel.MinNormalizerCount));
            var margin = bias;
            foreach (var slot in window)
            {
                margin += weights[slot] * norm;
            }

            if (vector is not null)
            {
                for (var k = 0; k < vector.Length; k++)
                {
                    margin += dense[k] * vector[k];
                }
            }

            var gradient = classWeight * (Sigmoid(margin) - label);
            foreach (var slot in window)
            {
                var g = gradient * norm + parameters.L2 * weights[slot];
                squares[slot] += g * g;
                weights[slot] -= parameters.LearningRate * g / Math.Sqrt(squares[slot] + Epsilon);
            }

            if (vector is not null)
            {
                for (var k = 0; k < vector.Length; k++)
                {
                    var g = gradient * vector[k] + parameters.L2 * dense[k];
                    denseSquares[k] += g * g;
                    dense[k] -= parameters.LearningRate * g / Math.Sqrt(denseSquares[k] + Epsilon);
                }
            }

            biasSquares += gradient * gradient;
            bias -= parameters.LearningRate * gradient / Math.Sqrt(biasSquares + Epsilon);
        }
    }

    public static double Margin(int[] window, float[]? vector, ReadOnlySpan<double> weights, ReadOnlySpan<double> dense, double bias)
    {
        var sum = 0.0;
        foreach (var slot in window)
        {
            sum += weights[slot];
        }

        var margin = bias + sum / Math.Sqrt(Math.Max(window.Length, InjectionModel.MinNormalizerCount));
        if (vector is not null)
        {
            for (var k = 0; k < vector.Length; k++)
            {
                margin += dense[k] * vector[k];
            }
        }

        return margin;
    }

    /// <summary>The example's margin as inference computes it: its highest window.</summary>
    public static double Margin(TrainingExample example, float[] weights, float[] dense, float bias)
    {
        var best = double.NegativeInfinity;
        for (var w = 0; w < example.Windows.Length; w++)
        {
            var sum = 0.0;
            foreach (var slot in example.Windows[w])
            {
                sum += weights[slot];
            }

            var margin = bias + sum / Math.Sqrt(Math.Max(example.Windows[w].Length, InjectionModel.MinNormalizerCount));
            if (example.Dense?[w] is { } vector)
            {
                for (var k = 0; k < vector.Length; k++)
                {
                    margin += dense[k] * vector[k];
                }
            }

            best = Math.Max(best, margin);
        }

        return best;
    }

    private static int Highest(TrainingExample example, double[] weights, double[] dense, double bias)
    {
        if (example.Windows.Length == 1)
        {
            return 0;
        }

        var best = 0;
        var bestMargin = double.NegativeInfinity;
        for (var w = 0; w < example.Windows.Length; w++)
        {
            var margin = Margin(example.Windows[w], example.Dense?[w], weights, dense, bias);
            if (margin > bestMargin)
            {
                bestMargin = margin;
                best = w;
            }
        }

        return best;
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}
