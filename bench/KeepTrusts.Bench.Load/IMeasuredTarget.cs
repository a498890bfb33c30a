namespace KeepTrusts.Bench.Load;

/// <summary>A process in front of the fake upstream (kt or nginx) whose CPU time and peak memory the table reports.</summary>
internal interface IMeasuredTarget
{
    /// <summary>CPU clock ticks (1/100 s on Linux) used so far by the process and its workers.</summary>
    long CpuTicks();

    double PeakMemoryMb();

    /// <summary>Managed bytes allocated since start (kt's /metrics); null where not known (nginx, older kt builds).</summary>
    long? AllocatedBytes() => null;

    /// <summary>Context switches of the process's (and its workers') live threads so far.</summary>
    ContextSwitches Switches();

    CpuSample Cpu() => new(MeasuredProcesses.Now(), CpuTicks(), AllocatedBytes(), Switches());

    /// <summary>Starts a row: the peak memory counts from here (<see cref="MeasuredProcesses.ResetPeak"/>); returns the CPU sample to measure from.</summary>
    CpuSample RowStart()
    {
        ResetPeakMemory();
        return Cpu();
    }

    void ResetPeakMemory();

    /// <summary>CPU use since <paramref name="before"/> as a percentage of one core.</summary>
    double CpuPercentSince(CpuSample before)
    {
        var now = Cpu();
        return (now.Ticks - before.Ticks) / 100.0 / (now.Seconds - before.Seconds) * 100;
    }
}
