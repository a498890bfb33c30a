using System.Numerics;

namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>
/// Passes each feature on once per block of Stride characters: a sentence repeated in a text adds no evidence, in either
/// direction (a benign request pasted six times scored like an attack when repeats were counted). Blocks are the units
/// windows are made of, and the trainer wraps its collector in this same sink, so model and trainer count alike.
/// Call <see cref="Finish"/> after featurizing: it leaves the thread's bit set clean for the next text.
/// </summary>
internal struct DistinctPerBlockSink<TInner> : IFeatureSink
    where TInner : struct, IFeatureSink
{
    public TInner Inner;
    private readonly DistinctSlots _seen;
    private readonly int _shift;
    private int _block;

    private DistinctPerBlockSink(TInner inner, int shift, DistinctSlots seen)
    {
        Inner = inner;
        _shift = shift;
        _seen = seen;
        _block = 0;
    }

    public static DistinctPerBlockSink<TInner> Start(TInner inner, int stride, int bits) =>
        new(inner, BitOperations.Log2((uint)stride), DistinctSlots.ForThread(bits));

    public void Add(int position, int index)
    {
        var block = position >> _shift;
        if (block != _block)
        {
            _seen.Clear();
            _block = block;
        }

        if (_seen.Mark(index))
        {
            Inner.Add(position, index);
        }
    }

    public readonly void Finish() => _seen.Clear();
}
