namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>
/// One thread's set of weight slots seen in the current block: a bit per slot, cleared slot by slot (the slots marked
/// are remembered), so clearing costs what marking cost and not the whole table.
/// </summary>
internal sealed class DistinctSlots
{
    [ThreadStatic]
    private static DistinctSlots? t_current;

    private readonly ulong[] _bits;
    private int[] _marked = new int[1024];
    private int _count;

    private DistinctSlots(int bits) => _bits = new ulong[Math.Max(1, (1 << bits) / 64)];

    public static DistinctSlots ForThread(int bits)
    {
        var current = t_current;
        if (current is null || current._bits.Length * 64 != Math.Max(64, 1 << bits))
        {
            current = new DistinctSlots(bits);
            t_current = current;
        }

        return current;
    }

    /// <summary>True when the slot was not yet seen in this block.</summary>
    public bool Mark(int index)
    {
        ref var word = ref _bits[index >> 6];
        var bit = 1UL << (index & 63);
        if ((word & bit) != 0)
        {
            return false;
        }

        word |= bit;
        if (_count == _marked.Length)
        {
            Array.Resize(ref _marked, _count * 2);
        }

        _marked[_count++] = index;
        return true;
    }

    public void Clear()
    {
        for (var i = 0; i < _count; i++)
        {
            _bits[_marked[i] >> 6] = 0;
        }

        _count = 0;
    }
}
