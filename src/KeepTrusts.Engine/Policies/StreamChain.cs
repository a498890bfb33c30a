namespace KeepTrusts.Engine.Policies;

/// <summary>
/// The chain applied to one streamed text: each delta goes through every policy's filter in order,
/// the output of one feeding the next. Once a filter blocks, nothing more is released.
/// </summary>
public sealed class StreamChain
{
    private readonly IReadOnlyList<IStreamPolicy> _filters;

    internal StreamChain(IReadOnlyList<IStreamPolicy> filters) => _filters = filters;

    public bool IsEmpty => _filters.Count == 0;

    public PolicyDecision? BlockingDecision { get; private set; }

    public bool IsBlocked => BlockingDecision is not null;

    /// <summary>Decisions of every filter (call after the stream ends for the final picture).</summary>
    public IEnumerable<PolicyDecision> Decisions => _filters.Select(f => f.Decision);

    public string Push(string delta)
    {
        if (IsBlocked)
        {
            return string.Empty;
        }

        var text = delta;
        for (var i = 0; i < _filters.Count; i++)   // indexed: a foreach over the interface boxed an enumerator per chunk
        {
            var filter = _filters[i];
            text = filter.Push(text);
            if (filter.Decision.Action == PolicyAction.Block)
            {
                BlockingDecision = filter.Decision;
                return string.Empty;
            }
        }

        return text;
    }

    /// <summary>Drains every filter in order: what one releases at the end still passes through the next.</summary>
    public string Flush()
    {
        if (IsBlocked)
        {
            return string.Empty;
        }

        var carried = string.Empty;
        foreach (var filter in _filters)
        {
            var released = carried.Length > 0 ? filter.Push(carried) : string.Empty;
            released += filter.Flush();
            if (filter.Decision.Action == PolicyAction.Block)
            {
                BlockingDecision = filter.Decision;
                return string.Empty;
            }

            carried = released;
        }

        return carried;
    }
}
