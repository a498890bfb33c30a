using System.Diagnostics;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Evaluation;

/// <summary>
/// Runs a labelled set through a policy config's request chain, one request per sample (the text as the user's
/// message, or as a tool result when its <c>kind</c> is "tool"), and measures precision, recall, false-positive rate,
/// per-source figures, TPR at FPR 1 % and 5 % from the scores, and the chain's latency. Behind <c>kt eval</c> and
/// Measure-KtPolicy.
/// </summary>
public static class PolicyEvaluator
{
    /// <summary>At most this many mistakes are kept (in file order) to show; the counts include all.</summary>
    public const int MaxMistakes = 200;

    private const int MistakeTextLength = 160;
    private const int WarmUpSamples = 500;

    public static PolicyEvaluation Evaluate(PolicyConfig config, string dataPath, Action<int, int>? progress = null, CancellationToken cancellationToken = default) =>
        Evaluate(config, LabelledSampleReader.Read(dataPath), dataPath, progress, cancellationToken);

    public static PolicyEvaluation Evaluate(PolicyConfig config, IReadOnlyList<LabelledSample> samples, string dataPath, Action<int, int>? progress = null, CancellationToken cancellationToken = default)
    {
        var chain = PolicyChainFactory.Create(config);

        // First runs pay one-time costs (the model read, each pattern's first compile): not the chain's latency.
        foreach (var sample in samples.Take(WarmUpSamples))
        {
            chain.RunRequest(Segments(sample));
        }

        var scored = new List<(double Score, bool Attack)>(samples.Count);
        var latencies = new double[samples.Count];
        var sources = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var mistakes = new List<EvaluationMistake>();
        int tp = 0, fp = 0;
        for (var i = 0; i < samples.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sample = samples[i];
            var segments = Segments(sample);
            var started = Stopwatch.GetTimestamp();
            var result = chain.RunRequest(segments);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;

            var flagged = result.IsBlocked || result.Redacted;
            var score = result.Decisions.Count == 0 ? 0 : result.Decisions.Max(d => d.Score);
            scored.Add((score, sample.Attack));
            tp += flagged && sample.Attack ? 1 : 0;
            fp += flagged && !sample.Attack ? 1 : 0;

            if (!sources.TryGetValue(sample.Source, out var counts))
            {
                sources[sample.Source] = counts = new int[4];
            }

            counts[sample.Attack ? 0 : 1]++;
            counts[sample.Attack ? 2 : 3] += flagged ? 1 : 0;
            if (flagged != sample.Attack && mistakes.Count < MaxMistakes)
            {
                var reason = result.BlockingDecision?.Reason ?? result.Decisions.OrderByDescending(d => d.Score).FirstOrDefault()?.Reason ?? "no policy in the chain";
                var text = sample.Text.Length <= MistakeTextLength ? sample.Text : sample.Text[..MistakeTextLength] + "…";
                mistakes.Add(new EvaluationMistake(sample.Line, sample.Attack, score, reason, text.ReplaceLineEndings(" ")));
            }

            if (progress is not null && (i + 1) % 100 == 0)
            {
                progress(i + 1, samples.Count);
            }
        }

        Array.Sort(latencies);
        var attacks = samples.Count(s => s.Attack);
        return new PolicyEvaluation(
            config.SourcePath,
            dataPath,
            config.Policies.Chain.ToList(),
            samples.Count,
            attacks,
            samples.Count - attacks,
            tp,
            fp,
            OperatingPoint.AtFpr(scored, 0.01),
            OperatingPoint.AtFpr(scored, 0.05),
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            sources.OrderBy(s => s.Key, StringComparer.Ordinal)
                .Select(s => new SourceFigures(s.Key, s.Value[0] + s.Value[1], s.Value[0], s.Value[1], s.Value[2], s.Value[3]))
                .ToList(),
            mistakes);
    }

    private static TextSegment[] Segments(LabelledSample sample) =>
        sample.Kind is "tool" or "tool_result" or "tool-result"
            ? [new TextSegment("messages[1].content", "tool", sample.Text, TextSegmentKind.ToolResult)]
            : [new TextSegment("messages[0].content", "user", sample.Text)];

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
