using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// The stream filters of one answer, one <see cref="StreamChain"/> per independent text in it (a choice, a tool call's
/// arguments, a Responses output part): each text is filtered on its own so a held-back tail never crosses into
/// another. The first block on any of them blocks the answer.
/// </summary>
internal sealed class KeyedStreamChains(PolicyChain chain)
{
    private readonly Dictionary<string, StreamChain> _open = new(StringComparer.Ordinal);
    private readonly List<StreamChain> _all = [];

    public PolicyDecision? Blocked { get; private set; }

    /// <summary>Keys with a stream not flushed yet, in a stable order.</summary>
    public IReadOnlyList<string> OpenKeys => _open.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Non-allow decisions made on the answer (all policies, all texts), the block included.</summary>
    public IEnumerable<PolicyDecision> Decisions =>
        _all.SelectMany(s => s.Decisions).Where(d => d.Action != PolicyAction.Allow).Concat(Blocked is null ? [] : [Blocked]).Distinct();

    /// <summary>True when a stream whose key starts with <paramref name="prefix"/> is still open (no list made).</summary>
    public bool HasOpenKeyUnder(string prefix)
    {
        foreach (var key in _open.Keys)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The part of <paramref name="text"/> the filters release now (empty once blocked).</summary>
    public string Push(string key, string text)
    {
        if (!_open.TryGetValue(key, out var stream))
        {
            stream = chain.CreateStream();
            _open[key] = stream;
            _all.Add(stream);
        }

        var released = stream.Push(text);
        Blocked ??= stream.BlockingDecision;
        return released;
    }

    /// <summary>What the key's filters held back, and the key's stream closed; empty when nothing was opened or it blocked.</summary>
    public string Flush(string key)
    {
        if (!_open.Remove(key, out var stream))
        {
            return string.Empty;
        }

        var tail = stream.Flush();
        Blocked ??= stream.BlockingDecision;
        return Blocked is null ? tail : string.Empty;
    }
}
