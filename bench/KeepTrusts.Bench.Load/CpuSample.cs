namespace KeepTrusts.Bench.Load;

/// <summary>
/// A process's CPU clock ticks at a monotonic time in seconds (and, for kt, managed bytes allocated so far), with the
/// voluntary and all context switches of its live threads.
/// </summary>
internal sealed record CpuSample(double Seconds, long Ticks, long? AllocatedBytes = null, ContextSwitches? Switches = null);
