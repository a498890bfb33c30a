using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>
/// prompt-injection: scores every text of the request (tool results included) with the layered detector and acts at
/// or above the threshold; the decision's reason names the layer that decided.
/// </summary>
public sealed class PromptInjectionPolicy(PromptInjectionOptions options, LayeredInjectionDetector detector) : IPolicy
{
    public PromptInjectionPolicy(PromptInjectionOptions options)
        : this(options, LayeredInjectionDetector.For(options.Classifier))
    {
    }

    public string Name => PolicyNames.PromptInjection;

    public PolicyDecision EvaluateRequest(IReadOnlyList<TextSegment> segments)
    {
        LayeredInjectionScore? worst = null;
        foreach (var segment in segments)
        {
            var toolResult = segment.Kind == TextSegmentKind.ToolResult;
            if (toolResult && !options.ScanToolResults)
            {
                continue;
            }

            // The model's own earlier turns are not an attacker's input.
            if (segment.Role == "assistant" && segment.Kind == TextSegmentKind.Content)
            {
                continue;
            }

            var score = detector.Score(segment.Text, segment.Source, toolResult);
            if (worst is null || score.Score > worst.Score)
            {
                worst = score;
            }
        }

        if (worst is null)
        {
            return PolicyDecision.Allowed(Name, PolicyPhase.Request);
        }

        // No signal and the model below the threshold: nothing worth a reason (the score is still recorded).
        if (worst.Heuristic.Score == 0 && worst.Score < options.Threshold)
        {
            return PolicyDecision.Allowed(Name, PolicyPhase.Request, worst.Score);
        }

        var why = worst.Explain();
        if (worst.Score < options.Threshold)
        {
            return new PolicyDecision(Name, PolicyPhase.Request, PolicyAction.Allow, string.Create(CultureInfo.InvariantCulture, $"score {worst.Score:0.00} below threshold {options.Threshold:0.00} ({why})"), worst.Score, worst.Heuristic.Spans);
        }

        var action = options.Action == PolicyActionOption.Block ? PolicyAction.Block : PolicyAction.Allow;
        return new PolicyDecision(Name, PolicyPhase.Request, action, string.Create(CultureInfo.InvariantCulture, $"prompt injection detected by the {worst.Layer} layer (score {worst.Score:0.00} ≥ {options.Threshold:0.00}: {why})"), worst.Score, worst.Heuristic.Spans);
    }

    /// <summary>Answers are the model's output, not an attacker's instructions: nothing to score.</summary>
    public PolicyDecision EvaluateResponse(IReadOnlyList<TextSegment> segments) => PolicyDecision.Allowed(Name, PolicyPhase.Response);

    public IStreamPolicy? CreateStreamPolicy() => null;
}
