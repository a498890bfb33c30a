using KeepTrusts.Engine.Policies.PromptInjection;

namespace KeepTrusts.Train;

/// <summary>
/// Logistic regression by AdaGrad SGD, single-threaded, in an order fixed by the seed: the same examples give the
/// same weights, bit for bit. Classes are weighted to count equally. L2 applies to the slots an example touches.
/// A text of several windows counts as its highest-scoring window when it is an attack (the attack may sit in one
/// window only: multiple-instance learning) and as every window when it is benign (no window may look like an attack),
/// which matches inference, where the highest window decides. With <see cref="ModelShape.HiddenDims"/> above 0 a
/// fastText-style hidden layer over the word-level features (<see cref="HiddenLayer"/>) is trained jointly.
/// </summary>
internal sealed class LogisticTrainer(ModelShape shape, Hyperparameters parameters, int seed)
{
    /// <summary>Marks a word-level feature in a training window (slots are below 2^24).</summary>
    public const int WordBit = 1 << 30;

    public const int SlotMask = WordBit - 1;

    private const double Epsilon = 1e-8;

    public TrainedModel Train(IReadOnlyList<TrainingExample> examples)
    {
        var weights = new double[1 << shape.Bits];
        var squares = new double[1 << shape.Bits];
        double bias = 0, biasSquares = 0;
        var dims = shape.HiddenDims;
        var rowShift = shape.Bits - shape.HiddenBits;
        var embeddings = new double[dims == 0 ? 0 : (1 << shape.HiddenBits) * dims];
        var embeddingSquares = new double[embeddings.Length];
        var hiddenBias = new double[dims];
        var hiddenBiasSquares = new double[dims];
        var output = new double[dims];
        var outputSquares = new double[dims];
        var random = new Random(seed);
        for (var i = 0; i < embeddings.Length; i++)
        {
            embeddings[i] = (random.NextDouble() - 0.5) * 0.1;
        }

        for (var k = 0; k < dims; k++)
        {
            output[k] = (random.NextDouble() - 0.5) / Math.Sqrt(dims);
        }

        if (dims > 0 && parameters.FeatureDropout > 0)
        {
            throw new ArgumentException("feature dropout and the hidden layer are separate experiments");
        }

        var kept = new List<int>();
        var hidden = new double[dims];
        var activation = new double[dims];
        var attacks = examples.Count(e => e.Attack);
        var benign = examples.Count - attacks;
        var attackWeight = examples.Count / (2.0 * Math.Max(1, attacks));
        var benignWeight = parameters.BenignBoost * examples.Count / (2.0 * Math.Max(1, benign));

        // Benign texts weighted by source size^-SourceBalance, scaled so their mean weight stays 1.
        var sourceSizes = examples.Where(e => !e.Attack).GroupBy(e => CrossValidation.Family(e.Source)).ToDictionary(g => g.Key, g => g.Count());
        var sourceWeight = sourceSizes.ToDictionary(p => p.Key, p => Math.Pow(p.Value, -parameters.SourceBalance));
        var meanWeight = sourceSizes.Sum(p => p.Value * sourceWeight[p.Key]) / Math.Max(1, benign);
        var order = Enumerable.Range(0, examples.Count).ToArray();
        for (var epoch = 0; epoch < parameters.Epochs; epoch++)
        {
            random.Shuffle(order);
            foreach (var i in order)
            {
                var example = examples[i];
                if (example.Attack)
                {
                    Step(Highest(example), 1, attackWeight);
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

        var layer = dims == 0 ? null : new HiddenLayer(shape.HiddenBits, dims, ToFloats(embeddings), ToFloats(hiddenBias), ToFloats(output));
        return new TrainedModel(ToFloats(weights), (float)bias, layer);

        int[] Highest(TrainingExample example)
        {
            if (example.Windows.Length == 1)
            {
                return example.Windows[0];
            }

            var best = example.Windows[0];
            var bestMargin = double.NegativeInfinity;
            foreach (var window in example.Windows)
            {
                var margin = Forward(window);
                if (margin > bestMargin)
                {
                    bestMargin = margin;
                    best = window;
                }
            }

            return best;
        }

        double LinearSum(int[] window)
        {
            var sum = 0.0;
            foreach (var slot in window)
            {
                sum += weights[slot & SlotMask];
            }

            return sum;
        }

        // The window's margin; leaves the hidden activations in `activation`.
        double Forward(int[] window)
        {
            var norm = 1 / Math.Sqrt(Math.Max(window.Length, InjectionModel.MinNormalizerCount));
            var sum = 0.0;
            foreach (var slot in window)
            {
                sum += weights[slot & SlotMask];
            }

            var margin = bias + sum * norm;
            if (dims > 0)
            {
                Array.Clear(hidden);
                foreach (var slot in window)
                {
                    if ((slot & WordBit) != 0)
                    {
                        var row = ((slot & SlotMask) >> rowShift) * dims;
                        for (var k = 0; k < dims; k++)
                        {
                            hidden[k] += embeddings[row + k];
                        }
                    }
                }

                for (var k = 0; k < dims; k++)
                {
                    activation[k] = Math.Tanh(hidden[k] * norm + hiddenBias[k]);
                    margin += output[k] * activation[k];
                }
            }

            return margin;
        }

        void Step(int[] window, int label, double classWeight)
        {
            var norm = 1 / Math.Sqrt(Math.Max(window.Length, InjectionModel.MinNormalizerCount));
            if (parameters.FeatureDropout > 0)
            {
                // Blankout: a random subset of the window's n-grams, each scaled up so the expected sum is unchanged.
                kept.Clear();
                foreach (var s in window)
                {
                    if (random.NextDouble() >= parameters.FeatureDropout)
                    {
                        kept.Add(s);
                    }
                }

                norm /= 1 - parameters.FeatureDropout;
                window = [.. kept];
            }

            var margin = parameters.FeatureDropout > 0 ? bias + LinearSum(window) * norm : Forward(window);
            var gradient = classWeight * (Sigmoid(margin) - label);
            foreach (var s in window)
            {
                var slot = s & SlotMask;
                var g = gradient * norm + parameters.L2 * weights[slot];
                squares[slot] += g * g;
                weights[slot] -= parameters.LearningRate * g / Math.Sqrt(squares[slot] + Epsilon);
            }

            biasSquares += gradient * gradient;
            bias -= parameters.LearningRate * gradient / Math.Sqrt(biasSquares + Epsilon);
            if (dims == 0)
            {
                return;
            }

            // Back through tanh: hidden[k] is reused for the gradient at the hidden unit's input.
            for (var k = 0; k < dims; k++)
            {
                var inner = gradient * output[k] * (1 - activation[k] * activation[k]);
                var go = gradient * activation[k] + parameters.L2 * output[k];
                outputSquares[k] += go * go;
                output[k] -= parameters.LearningRate * go / Math.Sqrt(outputSquares[k] + Epsilon);
                hiddenBiasSquares[k] += inner * inner;
                hiddenBias[k] -= parameters.LearningRate * inner / Math.Sqrt(hiddenBiasSquares[k] + Epsilon);
                hidden[k] = inner * norm;
            }

            foreach (var slot in window)
            {
                if ((slot & WordBit) != 0)
                {
                    var row = ((slot & SlotMask) >> rowShift) * dims;
                    for (var k = 0; k < dims; k++)
                    {
                        var g = hidden[k] + parameters.L2 * embeddings[row + k];
                        embeddingSquares[row + k] += g * g;
                        embeddings[row + k] -= parameters.LearningRate * g / Math.Sqrt(embeddingSquares[row + k] + Epsilon);
                    }
                }
            }
        }
    }

    /// <summary>The example's margin as inference computes it: its highest window.</summary>
    public static double Margin(TrainingExample example, TrainedModel model)
    {
        var best = double.NegativeInfinity;
        var layer = model.Hidden;
        var dims = layer?.Dims ?? 0;
        var hidden = new double[dims];
        foreach (var window in example.Windows)
        {
            var sum = 0.0;
            foreach (var slot in window)
            {
                sum += model.Weights[slot & SlotMask];
            }

            var norm = 1 / Math.Sqrt(Math.Max(window.Length, InjectionModel.MinNormalizerCount));
            var margin = model.Bias + sum * norm;
            if (layer is not null)
            {
                var rowShift = System.Numerics.BitOperations.Log2((uint)model.Weights.Length) - layer.Bits;
                Array.Clear(hidden);
                foreach (var slot in window)
                {
                    if ((slot & WordBit) != 0)
                    {
                        var row = ((slot & SlotMask) >> rowShift) * dims;
                        for (var k = 0; k < dims; k++)
                        {
                            hidden[k] += layer.Embeddings[row + k];
                        }
                    }
                }

                for (var k = 0; k < dims; k++)
                {
                    margin += layer.Output[k] * Math.Tanh(hidden[k] * norm + layer.Biases[k]);
                }
            }

            best = Math.Max(best, margin);
        }

        return best;
    }

    private static float[] ToFloats(double[] values) => values.Select(v => (float)v).ToArray();

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}
