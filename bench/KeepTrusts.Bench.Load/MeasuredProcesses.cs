using System.Diagnostics;
using System.Text.RegularExpressions;

namespace KeepTrusts.Bench.Load;

/// <summary>
/// CPU time and peak memory of a process and its children (nginx runs a master and one worker per core), read from
/// /proc: CPU is the sum of utime+stime, peak memory the sum of each process's VmHWM.
/// </summary>
internal static partial class MeasuredProcesses
{
    public static long CpuTicks(int rootPid) => Tree(rootPid).Sum(pid => Ticks(pid));

    /// <summary>
    /// Voluntary (the thread blocked: a wait, a futex, I/O) and all context switches, summed over every live thread of
    /// the process and its workers (/proc/pid/task/*/status). A thread that exited takes its counts along, so a row's
    /// difference is approximate when pool threads retire during it (they do after ~20 s idle, not under load).
    /// </summary>
    public static ContextSwitches Switches(int rootPid)
    {
        long voluntary = 0, involuntary = 0;
        foreach (var pid in Tree(rootPid))
        {
            IEnumerable<string> tasks;
            try
            {
                tasks = Directory.EnumerateDirectories($"/proc/{pid}/task").ToList();
            }
            catch (IOException)
            {
                continue;
            }

            foreach (var task in tasks)
            {
                try
                {
                    foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                    {
                        if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal))
                        {
                            voluntary += long.Parse(Digits().Match(line).Value, System.Globalization.CultureInfo.InvariantCulture);
                        }
                        else if (line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                        {
                            involuntary += long.Parse(Digits().Match(line).Value, System.Globalization.CultureInfo.InvariantCulture);
                        }
                    }
                }
                catch (IOException)
                {
                    // The thread exited between the listing and the read.
                }
            }
        }

        return new ContextSwitches(voluntary, involuntary);
    }

    public static double PeakMemoryMb(int rootPid) => Tree(rootPid).Sum(pid => HighWaterKb(pid)) / 1024.0;

    /// <summary>
    /// Resets each process's VmHWM to its current RSS (Linux: "5" into /proc/pid/clear_refs), so the next
    /// <see cref="PeakMemoryMb"/> is the peak of one row, not of the process's life (warm-up, an earlier row that piled up).
    /// </summary>
    public static void ResetPeak(int rootPid)
    {
        foreach (var pid in Tree(rootPid))
        {
            try
            {
                File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Not Linux, or not ours: the peak stays the process's lifetime peak.
            }
        }
    }

    private static long Ticks(int pid)
    {
        try
        {
            var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // utime and stime are fields 14 and 15 of /proc/pid/stat (11 and 12 after the command name).
            return long.Parse(fields[11]) + long.Parse(fields[12]);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static long HighWaterKb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(Digits().Match(line).Value);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The root and its direct children (enough for nginx's master and workers).</summary>
    private static IEnumerable<int> Tree(int rootPid)
    {
        yield return rootPid;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == rootPid)
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            }

            // Field 4 (the second after the command name) is the parent pid.
            var parent = stat.Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            if (parent == rootPid.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                yield return pid;
            }
        }
    }

    public static double Now() => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();
}
