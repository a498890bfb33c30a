namespace KeepTrusts.Bench.Load;

/// <summary>Context switches counted by the kernel: voluntary (the thread blocked and was woken later) and involuntary (preempted).</summary>
internal readonly record struct ContextSwitches(long Voluntary, long Involuntary)
{
    public long All => Voluntary + Involuntary;
}
