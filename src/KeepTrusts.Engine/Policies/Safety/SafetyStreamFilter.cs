namespace KeepTrusts.Engine.Policies.Safety;

/// <summary>
/// safety-filter on a stream: each delta is checked together with the recent text before it (so phrases split across
/// chunks are seen), and only the word still being written is held back. The recent text, the held word and the new
/// delta sit in one reused buffer and are classified in place, so a chunk with nothing unsafe in it costs at most the
/// string it releases.
/// </summary>
internal sealed class SafetyStreamFilter(SafetyFilterPolicy policy) : IStreamPolicy
{
    private const int Context = 256;

    // [0, _recent) released text kept as context; [_recent, _recent + _held) the word still being written.
    private char[] _buffer = new char[512];
    private char[] _lower = new char[512];
    private int _recent;
    private int _held;

    public PolicyDecision Decision { get; private set; } = PolicyDecision.Allowed(policy.Name, PolicyPhase.Stream);

    public string Push(string delta)
    {
        var length = _recent + _held + delta.Length;
        EnsureCapacity(length);
        delta.CopyTo(_buffer.AsSpan(_recent + _held));
        Check(_buffer.AsSpan(0, length));
        if (Decision.Action == PolicyAction.Block)
        {
            return string.Empty;
        }

        var pending = _buffer.AsSpan(_recent, _held + delta.Length);
        var wordStart = pending.Length;
        while (wordStart > 0 && char.IsLetterOrDigit(pending[wordStart - 1]))
        {
            wordStart--;
        }

        var released = wordStart == 0 ? string.Empty
            : _held == 0 && wordStart == delta.Length ? delta
            : new string(pending[..wordStart]);

        // Keep the last Context released characters, then the held word, at the front of the buffer.
        var keep = Math.Min(Context, _recent + wordStart);
        var heldNow = pending.Length - wordStart;
        _buffer.AsSpan(_recent + wordStart - keep, keep + heldNow).CopyTo(_buffer);
        _recent = keep;
        _held = heldNow;
        return released;
    }

    public string Flush()
    {
        var rest = new string(_buffer, _recent, _held);
        var total = _recent + _held;
        Check(_buffer.AsSpan(0, total));
        var keep = Math.Min(Context, total);
        _buffer.AsSpan(total - keep, keep).CopyTo(_buffer);
        _recent = keep;
        _held = 0;
        return Decision.Action == PolicyAction.Block ? string.Empty : rest;
    }

    private void EnsureCapacity(int length)
    {
        if (_buffer.Length < length)
        {
            Array.Resize(ref _buffer, Math.Max(length, _buffer.Length * 2));
            _lower = new char[_buffer.Length];
        }
    }

    private void Check(ReadOnlySpan<char> window)
    {
        var decision = policy.Decide(policy.Classify(window, "stream", _lower), PolicyPhase.Stream);
        if (decision.Score >= Decision.Score || decision.Action == PolicyAction.Block)
        {
            Decision = decision;
        }
    }
}
