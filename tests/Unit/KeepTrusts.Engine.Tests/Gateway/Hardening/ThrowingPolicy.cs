using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Tests.Gateway.Hardening;

/// <summary>A policy with a bug: it throws on a trigger word, the way a faulty detector would.</summary>
internal sealed class ThrowingPolicy(string trigger) : IPolicy
{
    public string Name => "throwing-policy";

    public PolicyDecision EvaluateRequest(IReadOnlyList<TextSegment> segments) =>
        segments.Any(s => s.Text.Contains(trigger, StringComparison.Ordinal)) ? throw new InvalidOperationException("detector bug") : PolicyDecision.Allowed(Name, PolicyPhase.Request);

    public PolicyDecision EvaluateResponse(IReadOnlyList<TextSegment> segments) => PolicyDecision.Allowed(Name, PolicyPhase.Response);

    public IStreamPolicy CreateStreamPolicy() => new PassStream(Name);

    private sealed class PassStream(string name) : IStreamPolicy
    {
        public PolicyDecision Decision { get; } = PolicyDecision.Allowed(name, PolicyPhase.Stream);

        public string Push(string delta) => delta;

        public string Flush() => string.Empty;
    }
}
