namespace KeepTrusts.Bench.Load;

/// <summary>A process's CPU clock ticks at a monotonic time in seconds.</summary>
internal sealed record CpuSample(double Seconds, long Ticks);
