using System.Buffers;

namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>
/// The learned layer: logistic regression over <see cref="InjectionFeaturizer"/>'s hashed n-grams. A text is scored in
/// windows (so an instruction buried in a long document is not diluted by the rest of it) and the highest window counts.
/// A window's margin is bias + (Σ weights of its n-grams) / √(n-gram count); the probability is σ(scale · margin + offset),
/// where scale and offset were fitted by the trainer on out-of-fold training scores (see docs/policies.md). Immutable
/// and thread-safe; the cost is linear in the text's length and allocation-free up to one window.
/// </summary>
public sealed class InjectionModel
{
    private readonly float[] weights;

    internal InjectionModel(int bits, int window, int stride, float bias, float scale, float offset, float[] weights)
    {
        if (weights.Length != 1 << bits)
        {
            throw new ArgumentException($"expected {1 << bits} weights, got {weights.Length}", nameof(weights));
        }

        Bits = bits;
        Window = window;
        Stride = stride;
        Bias = bias;
        Scale = scale;
        Offset = offset;
        this.weights = weights;
    }

    public int Bits { get; }

    public int Window { get; }

    public int Stride { get; }

    public float Bias { get; }

    public float Scale { get; }

    public float Offset { get; }

    internal ReadOnlySpan<float> Weights => weights;

    /// <summary>The probability (0..1) that the text is an injection: the highest of its windows.</summary>
    public double Probability(ReadOnlySpan<char> lowered) => Calibrate(Margin(lowered));

    public double Calibrate(double margin) => 1 / (1 + Math.Exp(-(Scale * margin + Offset)));

    /// <summary>The uncalibrated margin of the highest-scoring window.</summary>
    public double Margin(ReadOnlySpan<char> lowered)
    {
        if (lowered.Length <= Window)
        {
            var sum = new SumSink(weights);
            InjectionFeaturizer.Featurize(lowered, Bits, ref sum);
            return WindowMargin(sum.Sum, sum.Count);
        }

        // Per-character sums and counts, then each window is a difference of prefix sums.
        var sums = ArrayPool<double>.Shared.Rent(lowered.Length + 1);
        var counts = ArrayPool<int>.Shared.Rent(lowered.Length + 1);
        try
        {
            Array.Clear(sums, 0, lowered.Length + 1);
            Array.Clear(counts, 0, lowered.Length + 1);
            var sink = new PositionSink(weights, sums, counts);
            InjectionFeaturizer.Featurize(lowered, Bits, ref sink);
            for (var i = 1; i <= lowered.Length; i++)
            {
                sums[i] += sums[i - 1];
                counts[i] += counts[i - 1];
            }

            var best = double.NegativeInfinity;
            var windows = InjectionFeaturizer.WindowCount(lowered.Length, Window, Stride);
            for (var w = 0; w < windows; w++)
            {
                var (start, end) = InjectionFeaturizer.Window(w, lowered.Length, Window, Stride);
                best = Math.Max(best, WindowMargin(sums[end] - sums[start], counts[end] - counts[start]));
            }

            return best;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(sums);
            ArrayPool<int>.Shared.Return(counts);
        }
    }

    private double WindowMargin(double sum, int count) => Bias + (count == 0 ? 0 : sum / Math.Sqrt(count));

    private struct SumSink(float[] weights) : IFeatureSink
    {
        public double Sum;
        public int Count;

        public void Add(int position, int index)
        {
            Sum += weights[index];
            Count++;
        }
    }

    /// <summary>Sums at position + 1, so that after the prefix pass [start, end) is sums[end] - sums[start].</summary>
    private readonly struct PositionSink(float[] weights, double[] sums, int[] counts) : IFeatureSink
    {
        public void Add(int position, int index)
        {
            sums[position + 1] += weights[index];
            counts[position + 1]++;
        }
    }
}
