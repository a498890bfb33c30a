using System.Buffers;

namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>
/// One thread's working memory for <see cref="InjectionModel"/>: the text's feature slots grouped by block (a
/// counting sort, so a window is a contiguous range) and a bit per weight slot to count each feature once per window.
/// The bit set is cleared feature by feature after each window, never as a whole.
/// </summary>
internal sealed class WindowScratch(int slots)
{
    private int[] _blocks = ArrayPool<int>.Shared.Rent(1024);
    private int[] _indices = ArrayPool<int>.Shared.Rent(1024);
    private int _count;

    public ulong[] Seen { get; } = new ulong[(slots + 63) / 64];

    public int[] Sorted { get; private set; } = ArrayPool<int>.Shared.Rent(1024);

    /// <summary>Where each block's features start in <see cref="Sorted"/>; entry blocks is the end.</summary>
    public int[] BlockStarts { get; private set; } = ArrayPool<int>.Shared.Rent(16);

    public void Reset(int blocks)
    {
        _count = 0;
        if (BlockStarts.Length < blocks + 1)
        {
            ArrayPool<int>.Shared.Return(BlockStarts);
            BlockStarts = ArrayPool<int>.Shared.Rent(blocks + 1);
        }

        Array.Clear(BlockStarts, 0, blocks + 1);
    }

    public void Add(int block, int index)
    {
        if (_count == _indices.Length)
        {
            Grow();
        }

        _blocks[_count] = block;
        _indices[_count] = index;
        _count++;
    }

    public void SortByBlock(int blocks)
    {
        if (Sorted.Length < _count)
        {
            ArrayPool<int>.Shared.Return(Sorted);
            Sorted = ArrayPool<int>.Shared.Rent(_count);
        }

        var starts = BlockStarts;
        for (var i = 0; i < _count; i++)
        {
            starts[_blocks[i] + 1]++;
        }

        for (var b = 0; b < blocks; b++)
        {
            starts[b + 1] += starts[b];
        }

        // Fill each block from its start; the starts are restored afterwards by shifting them back one block.
        for (var i = 0; i < _count; i++)
        {
            Sorted[starts[_blocks[i]]++] = _indices[i];
        }

        for (var b = blocks; b > 0; b--)
        {
            starts[b] = starts[b - 1];
        }

        starts[0] = 0;
    }

    /// <summary>Gives back buffers a huge text grew, so one 1 MB request does not pin megabytes to the thread.</summary>
    public void Release()
    {
        const int Keep = 64 * 1024;
        if (_indices.Length > Keep)
        {
            ArrayPool<int>.Shared.Return(_blocks);
            ArrayPool<int>.Shared.Return(_indices);
            ArrayPool<int>.Shared.Return(Sorted);
            _blocks = ArrayPool<int>.Shared.Rent(1024);
            _indices = ArrayPool<int>.Shared.Rent(1024);
            Sorted = ArrayPool<int>.Shared.Rent(1024);
        }
    }

    private void Grow()
    {
        var blocks = ArrayPool<int>.Shared.Rent(_indices.Length * 2);
        var indices = ArrayPool<int>.Shared.Rent(_indices.Length * 2);
        _blocks.AsSpan(0, _count).CopyTo(blocks);
        _indices.AsSpan(0, _count).CopyTo(indices);
        ArrayPool<int>.Shared.Return(_blocks);
        ArrayPool<int>.Shared.Return(_indices);
        _blocks = blocks;
        _indices = indices;
    }
}
