namespace KeepTrusts.Bench.Load;

/// <summary>A process's CPU clock ticks at a monotonic time in seconds (and, for kt, managed bytes allocated so far).</summary>
internal sealed record CpuSample(double Seconds, long Ticks, long? AllocatedBytes = null);
