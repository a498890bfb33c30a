using KeepTrusts.Engine.Evaluation;
using KeepTrusts.Engine.Policies.PromptInjection;

namespace KeepTrusts.Train;

/// <summary>
/// Turns samples into <see cref="TrainingExample"/>s with the engine's own normalizer, featurizer, word embeddings and
/// windows: a window's vector is the sum of the vectors of the words that end in it, L2-normalized, as inference reads it.
/// </summary>
internal static class ExampleFeaturizer
{
    /// <summary>Long benign texts contribute at most this many windows each, so a few long documents do not dominate.</summary>
    private const int MaxWindows = 12;

    /// <param name="denseScale">The pooled vector's length in training (a unit vector times this): above 1 the embedding
    /// weights move faster under AdaGrad relative to the n-gram weights. The trainer folds it into the saved weights, so
    /// inference multiplies a unit vector by weights × scale.</param>
    public static TrainingExample Featurize(LabelledSample sample, ModelShape shape, StaticWordEmbeddings? embeddings, double denseScale = 1)
    {
        var lowered = NormalizedText.Of(sample.Text).Lowered;
        var sink = new CollectingSink(new List<(int, int)>(lowered.Length * 3), new List<(int, uint)>(lowered.Length / 4));
        InjectionFeaturizer.Featurize(lowered, shape.Bits, ref sink);
        var count = InjectionFeaturizer.WindowCount(lowered.Length, shape.Window, shape.Stride);
        var windows = new List<int[]>(Math.Min(count, MaxWindows));
        var dense = embeddings is null ? null : new List<float[]>(windows.Capacity);
        for (var w = 0; w < count && windows.Count < MaxWindows; w++)
        {
            var (start, end) = InjectionFeaturizer.Window(w, lowered.Length, shape.Window, shape.Stride);
            windows.Add(sink.Features.Where(f => f.Item1 >= start && f.Item1 < end).Select(f => f.Item2).ToArray());
            if (embeddings is not null)
            {
                var sum = new float[embeddings.Dimension];
                foreach (var (position, hash) in sink.Words)
                {
                    if (position >= start && position < end)
                    {
                        embeddings.Add(hash, sum);
                    }
                }

                // The normalization inference applies (StaticWordEmbeddings.NormalizedDot), done once here.
                var norm = Math.Sqrt(sum.Sum(v => (double)v * v));
                dense!.Add(norm == 0 ? sum : sum.Select(v => (float)(v / norm * denseScale)).ToArray());
            }
        }

        return new TrainingExample(windows.ToArray(), dense?.ToArray(), sample.Attack, sample.Source);
    }

    /// <summary>The hash the featurizer gives <paramref name="word"/>, or null when it does not read it as exactly one word.</summary>
    public static uint? WordHash(string word)
    {
        var sink = new CollectingSink(new List<(int, int)>(), new List<(int, uint)>());
        InjectionFeaturizer.Featurize(word, 18, ref sink);
        return sink.Words.Count == 1 ? sink.Words[0].Item2 : null;
    }

    private readonly struct CollectingSink(List<(int, int)> features, List<(int, uint)> words) : IFeatureSink
    {
        public List<(int, int)> Features => features;

        public List<(int, uint)> Words => words;

        public void Add(int position, int index) => features.Add((position, index));

        public void Word(int position, uint hash) => words.Add((position, hash));
    }
}
