using System.Globalization;
using KeepTrusts.Engine.Configuration;
using Microsoft.ML.OnnxRuntime;

namespace KeepTrusts.Engine.Policies.PromptInjection.Layers;

/// <summary>The <c>model</c> layer: each selected segment through the local ONNX classifier; the most likely injection decides.</summary>
internal sealed class OnnxModelLayer(OnnxInjectionClassifier classifier, PromptInjectionModelOptions options) : IInjectionLayer
{
    public string Name => $"model ({classifier.ModelName})";

    public InjectionLayerWhen When => options.When;

    public double UndecidedFrom => options.UndecidedFrom;

    public bool AlwaysForDocuments => options.AlwaysForDocuments;

    public LayerErrorOutcome OnError => options.OnError;

    public ValueTask<LayerVerdict> EvaluateAsync(IReadOnlyList<TextSegment> segments, CancellationToken cancellationToken)
    {
        // CPU-bound and synchronous: no I/O to wait for, so no await.
        ModelScore worst = default;
        string? worstSegment = null;
        try
        {
            foreach (var segment in segments)
            {
                var score = classifier.Score(segment.Text, cancellationToken);
                if (worstSegment is null || score.Probability > worst.Probability)
                {
                    worst = score;
                    worstSegment = segment.Source;
                }
            }
        }
        catch (OnnxRuntimeException ex)
        {
            return new ValueTask<LayerVerdict>(new LayerVerdict(LayerOutcome.Failed, 0, $"model run failed: {ExceptionText.FirstLine(ex.Message)}"));
        }

        var truncated = worst.Truncated ? string.Create(CultureInfo.InvariantCulture, $", first {worst.TokensScored} tokens") : string.Empty;
        var probability = worst.Probability.ToString("0.00", CultureInfo.InvariantCulture);
        var threshold = options.Threshold.ToString("0.00", CultureInfo.InvariantCulture);
        var verdict = worst.Probability >= options.Threshold
            ? new LayerVerdict(LayerOutcome.Injection, worst.Probability, $"injection probability {probability} ≥ {threshold} in {worstSegment}{truncated}", worstSegment)
            : new LayerVerdict(LayerOutcome.Benign, worst.Probability, $"injection probability {probability} < {threshold}{truncated}", worstSegment);
        return new ValueTask<LayerVerdict>(verdict);
    }

    public void Dispose() => classifier.Dispose();
}
