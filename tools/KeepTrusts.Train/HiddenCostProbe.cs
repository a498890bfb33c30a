using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using KeepTrusts.Engine.Policies.PromptInjection;

namespace KeepTrusts.Train;

/// <summary>
/// Experiment, direction only: Stopwatch cost per 2 KB text of the linear model's scoring pass (as InjectionModel does
/// it, per block of Stride characters) against the same pass that also sums a hidden layer's rows for the word-level
/// features. Random weights: the cost does not depend on their values.
/// </summary>
internal static class HiddenCostProbe
{
    public static void Run(int bits, int hiddenBits, int dims, int stride)
    {
        var text = string.Concat(Enumerable.Repeat("We run Azure OpenAI behind private endpoints in East US and West Europe. Version 2.4 of the runbook rotates keys every 90 days and the deployment gpt-4o-prod serves 450 requests per minute at peak on 2025-03-12. Please summarize the capacity plan, list the risks, and suggest how to size the deployments for steady traffic. ", 8))[..2048].ToLowerInvariant();
        var random = new Random(1);
        var weights = Enumerable.Range(0, 1 << bits).Select(_ => (float)random.NextDouble()).ToArray();
        var embeddings = Enumerable.Range(0, (1 << hiddenBits) * dims).Select(_ => (float)random.NextDouble()).ToArray();
        var blocks = InjectionFeaturizer.Blocks(text.Length, stride);
        var sums = new double[blocks];
        var counts = new int[blocks];
        var hidden = new float[blocks * dims];
        var shift = BitOperations.Log2((uint)stride);
        foreach (var withHidden in new[] { false, true, false, true })
        {
            const int Iterations = 20000;
            var clock = Stopwatch.StartNew();
            var sink = new Sink(weights, embeddings, sums, counts, hidden, shift, bits - hiddenBits, withHidden ? dims : 0);
            for (var n = 0; n < Iterations; n++)
            {
                Array.Clear(sums);
                Array.Clear(counts);
                Array.Clear(hidden);
                InjectionFeaturizer.Featurize(text, bits, ref sink);
            }

            Console.WriteLine($"cost probe: {(withHidden ? $"linear + hidden ({dims} dims, 2^{hiddenBits} rows)" : "linear only")}: {clock.Elapsed.TotalMicroseconds / Iterations:0.0} µs per 2 KB (load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
        }
    }

    private readonly struct Sink(float[] weights, float[] embeddings, double[] sums, int[] counts, float[] hidden, int shift, int rowShift, int dims) : IFeatureSink
    {
        public void Add(int position, int index)
        {
            sums[position >> shift] += weights[index];
            counts[position >> shift]++;
        }

        public void AddWord(int position, int index)
        {
            Add(position, index);
            if (dims > 0)
            {
                var row = MemoryMarshal.Cast<float, Vector<float>>(embeddings.AsSpan((index >> rowShift) * dims, dims));
                var sum = MemoryMarshal.Cast<float, Vector<float>>(hidden.AsSpan((position >> shift) * dims, dims));
                for (var k = 0; k < row.Length; k++)
                {
                    sum[k] += row[k];
                }
            }
        }
    }
}
