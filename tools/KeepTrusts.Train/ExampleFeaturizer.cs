using KeepTrusts.Engine.Evaluation;
using KeepTrusts.Engine.Policies.PromptInjection;

namespace KeepTrusts.Train;

/// <summary>Turns samples into <see cref="TrainingExample"/>s with the engine's own normalizer, featurizer and windows.</summary>
internal static class ExampleFeaturizer
{
    /// <summary>Long benign texts contribute at most this many windows each, so a few long documents do not dominate.</summary>
    private const int MaxWindows = 12;

    public static TrainingExample Featurize(LabelledSample sample, ModelShape shape)
    {
        using var normalized = NormalizedText.Of(sample.Text);
        var lowered = normalized.Lowered;
        // Each feature once per block, as InjectionModel counts it (the same sink wraps both).
        var sink = DistinctPerBlockSink<CollectingSink>.Start(new CollectingSink(new List<(int, int)>(lowered.Length * 3)), shape.Stride, shape.Bits);
        InjectionFeaturizer.Featurize(lowered, shape.Bits, ref sink);
        sink.Finish();
        var count = InjectionFeaturizer.WindowCount(lowered.Length, shape.Window, shape.Stride);
        var windows = new List<int[]>(Math.Min(count, MaxWindows));
        for (var w = 0; w < count && windows.Count < MaxWindows; w++)
        {
            var (start, end) = InjectionFeaturizer.Window(w, lowered.Length, shape.Window, shape.Stride);
            windows.Add(sink.Inner.Features.Where(f => f.Item1 >= start && f.Item1 < end).Select(f => f.Item2).ToArray());
        }

        return new TrainingExample(windows.ToArray(), sample.Attack, sample.Source);
    }

    private readonly struct CollectingSink(List<(int, int)> features) : IFeatureSink
    {
        public List<(int, int)> Features => features;

        public void Add(int position, int index) => features.Add((position, index));
    }
}
