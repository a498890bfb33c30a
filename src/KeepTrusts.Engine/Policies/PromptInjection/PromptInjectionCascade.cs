using System.Globalization;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies.PromptInjection.Layers;

namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>
/// prompt-injection with its optional layers: the built-in policy decides first; when it has not flagged the request,
/// each configured layer (model, then prompt_shields) is asked — on every request (<c>when: always</c>), only in the
/// undecided band [undecided_from, threshold) of the built-in score (<c>when: undecided</c>), and for tool results
/// whatever <c>when</c> says (<c>always_for_documents</c>). The first layer that finds an injection decides, and the
/// reason names it; a layer that fails applies its on_error and the reason says so.
/// </summary>
internal sealed class PromptInjectionCascade(IPolicy builtIn, PromptInjectionOptions options, IReadOnlyList<IInjectionLayer> layers)
    : IPolicy, IAsyncRequestPolicy, IDisposable
{
    public string Name => PolicyNames.PromptInjection;

    /// <summary>Synchronous callers (kt eval, benchmarks) get the same verdict; a remote layer is waited on here.</summary>
    public PolicyDecision EvaluateRequest(IReadOnlyList<TextSegment> segments)
    {
        var pending = EvaluateRequestAsync(segments, CancellationToken.None);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    public async ValueTask<PolicyDecision> EvaluateRequestAsync(IReadOnlyList<TextSegment> segments, CancellationToken cancellationToken)
    {
        var first = builtIn.EvaluateRequest(segments);
        if (first.Action == PolicyAction.Block || first.Score >= options.Threshold)
        {
            return first;
        }

        var notes = new List<string>(layers.Count);
        foreach (var layer in layers)
        {
            var selected = Select(segments, layer, first.Score);
            if (selected.Count == 0)
            {
                continue;
            }

            var verdict = await layer.EvaluateAsync(selected, cancellationToken).ConfigureAwait(false);
            switch (verdict.Outcome)
            {
                case LayerOutcome.Injection:
                    var action = options.Action == PolicyActionOption.Block ? PolicyAction.Block : PolicyAction.Allow;
                    var spans = verdict.Segment is null ? first.Spans : [.. first.Spans, new MatchedSpan(verdict.Segment, 0, 0, "layer:" + layer.Name)];
                    return new PolicyDecision(Name, PolicyPhase.Request, action,
                        $"prompt injection detected by layer {layer.Name}: {verdict.Detail} (built-in score {Format(first.Score)})",
                        Math.Max(first.Score, verdict.Score), spans);
                case LayerOutcome.Failed when layer.OnError == LayerErrorOutcome.Block:
                    return new PolicyDecision(Name, PolicyPhase.Request, PolicyAction.Block,
                        $"layer {layer.Name} failed ({verdict.Detail}); on_error: block", first.Score, first.Spans);
                case LayerOutcome.Failed:
                    notes.Add($"layer {layer.Name} failed ({verdict.Detail}); on_error: allow");
                    break;
                default:
                    notes.Add($"layer {layer.Name}: {verdict.Detail}");
                    break;
            }
        }

        return notes.Count == 0 ? first : first with { Reason = $"{first.Reason}; {string.Join("; ", notes)}" };
    }

    public PolicyDecision EvaluateResponse(IReadOnlyList<TextSegment> segments) => builtIn.EvaluateResponse(segments);

    public IStreamPolicy? CreateStreamPolicy() => builtIn.CreateStreamPolicy();

    public void Dispose()
    {
        foreach (var layer in layers)
        {
            layer.Dispose();
        }
    }

    /// <summary>The texts the layer sees: those the built-in policy scores, narrowed by when/always_for_documents.</summary>
    private List<TextSegment> Select(IReadOnlyList<TextSegment> segments, IInjectionLayer layer, double builtInScore)
    {
        var everything = layer.When == InjectionLayerWhen.Always || builtInScore >= layer.UndecidedFrom;
        var selected = new List<TextSegment>();
        foreach (var segment in segments)
        {
            var document = segment.Kind == TextSegmentKind.ToolResult;
            // The same texts the built-in policy scores: not the model's own turns, tool results only when scanned.
            if ((document && !options.ScanToolResults) || (segment.Role == "assistant" && segment.Kind == TextSegmentKind.Content) ||
                segment.Kind == TextSegmentKind.ToolArguments)
            {
                continue;
            }

            if (everything || (document && layer.AlwaysForDocuments))
            {
                selected.Add(segment);
            }
        }

        return selected;
    }

    private static string Format(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
