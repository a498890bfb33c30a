using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Policies.Safety;

/// <summary>
/// safety-filter: hate, sexual, violence and self-harm graded low / medium / high; strict mode acts from low,
/// standard from medium. Requests, complete answers and streams (checked as they flow).
/// </summary>
public sealed class SafetyFilterPolicy(SafetyFilterOptions options) : IPolicy
{
    private readonly SafetyClassifier _classifier = new(options.Blocklist);
    private readonly PolicyDecision _allowedStream = PolicyDecision.Allowed(PolicyNames.SafetyFilter, PolicyPhase.Stream);

    public string Name => PolicyNames.SafetyFilter;

    public SafetySeverity ActsFrom => options.Mode == SafetyMode.Strict ? SafetySeverity.Low : SafetySeverity.Medium;

    public PolicyDecision EvaluateRequest(IReadOnlyList<TextSegment> segments) => Evaluate(segments, PolicyPhase.Request);

    public PolicyDecision EvaluateResponse(IReadOnlyList<TextSegment> segments) => Evaluate(segments, PolicyPhase.Response);

    public IStreamPolicy CreateStreamPolicy() => new SafetyStreamFilter(this);

    internal PolicyDecision Decide(SafetyFinding finding, PolicyPhase phase)
    {
        if (finding.Worst == SafetySeverity.Safe)
        {
            return phase == PolicyPhase.Stream ? _allowedStream : PolicyDecision.Allowed(Name, phase);
        }

        var categories = string.Join(", ", finding.Categories.Select(c => $"{c.Key} ({c.Value.ToString().ToLowerInvariant()})"));
        var score = (double)finding.Worst / (double)SafetySeverity.High;
        if (finding.Worst < ActsFrom)
        {
            return new PolicyDecision(Name, phase, PolicyAction.Allow, $"below {options.Mode.ToString().ToLowerInvariant()} mode's severity: {categories}", score, finding.Spans);
        }

        var action = options.Action == PolicyActionOption.Block ? PolicyAction.Block : PolicyAction.Allow;
        return new PolicyDecision(Name, phase, action, $"unsafe content: {categories}", score, finding.Spans);
    }

    internal SafetyFinding Classify(ReadOnlySpan<char> text, string source, char[] lowerBuffer) => _classifier.Classify(text, source, lowerBuffer);

    private PolicyDecision Evaluate(IReadOnlyList<TextSegment> segments, PolicyPhase phase)
    {
        PolicyDecision? worst = null;
        foreach (var segment in segments)
        {
            var decision = Decide(_classifier.Classify(segment.Text, segment.Source), phase);
            if (worst is null || decision.Score > worst.Score || decision.Action == PolicyAction.Block)
            {
                worst = decision;
                if (decision.Action == PolicyAction.Block)
                {
                    break;
                }
            }
        }

        return worst ?? PolicyDecision.Allowed(Name, phase);
    }
}
