namespace KeepTrusts.Engine.Policies.Safety;

/// <summary>
/// safety-filter on a stream: each delta is checked together with the recent text before it (so phrases split across
/// chunks are seen), and only the word still being written is held back.
/// </summary>
internal sealed class SafetyStreamFilter(SafetyFilterPolicy policy) : IStreamPolicy
{
    private const int Context = 256;
    private string _recent = string.Empty;
    private string _held = string.Empty;

    public PolicyDecision Decision { get; private set; } = PolicyDecision.Allowed(policy.Name, PolicyPhase.Stream);

    public string Push(string delta)
    {
        var pending = _held + delta;
        var window = _recent + pending;
        Check(window);
        if (Decision.Action == PolicyAction.Block)
        {
            return string.Empty;
        }

        var wordStart = pending.Length;
        while (wordStart > 0 && char.IsLetterOrDigit(pending[wordStart - 1]))
        {
            wordStart--;
        }

        var released = pending[..wordStart];
        _held = pending[wordStart..];
        _recent = (_recent + released) is var all && all.Length > Context ? all[^Context..] : all;
        return released;
    }

    public string Flush()
    {
        var rest = _held;
        _held = string.Empty;
        Check(_recent + rest);
        return Decision.Action == PolicyAction.Block ? string.Empty : rest;
    }

    private void Check(string window)
    {
        var decision = policy.Decide(policy.Classify(window, "stream"), PolicyPhase.Stream);
        if (decision.Score >= Decision.Score || decision.Action == PolicyAction.Block)
        {
            Decision = decision;
        }
    }
}
