using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Policies.PromptInjection.Layers;

/// <summary>An optional prompt-injection layer asked after the built-in ones (a local ONNX model, Prompt Shields).</summary>
internal interface IInjectionLayer : IDisposable
{
    /// <summary>How the layer is named in decision reasons (and so in audit records).</summary>
    string Name { get; }

    InjectionLayerWhen When { get; }

    double UndecidedFrom { get; }

    bool AlwaysForDocuments { get; }

    LayerErrorOutcome OnError { get; }

    /// <summary>Scores the segments; never throws for the layer's own failures (they come back as <see cref="LayerOutcome.Failed"/>).</summary>
    ValueTask<LayerVerdict> EvaluateAsync(IReadOnlyList<TextSegment> segments, CancellationToken cancellationToken);
}
