using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace KeepTrusts.Bench.Load;

/// <summary>
/// <c>--fsync-probe</c>: the latency of each way to make an appended batch durable, on the disk that holds the temp
/// directory: append + fsync (what the audit writer does), append + fdatasync, O_DSYNC writes (FileOptions.WriteThrough),
/// a preallocated file overwritten in place + fdatasync (no size change, so no journal commit), and append + fsync while
/// another file is replaced (write, fsync, rename) once a second, as the audit head is. Batches are 4 KB, about six
/// audit records. Load-independent evidence: the distribution of one syscall, not a request's latency.
/// </summary>
internal static class DurablePrimitiveProbe
{
    private const int BatchBytes = 4096;

    [DllImport("libc", SetLastError = true)]
    private static extern int fdatasync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int fallocate(int fd, int mode, long offset, long length);

    private const int FallocKeepSize = 1;

    public static void Run(int iterations)
    {
        var directory = Directory.CreateTempSubdirectory("kt-fsync-probe-");
        Console.WriteLine($"durable primitives on {directory.FullName}: {iterations} batches of {BatchBytes} bytes each, load average {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine("| primitive | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | calls over 10 ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        try
        {
            var batch = new byte[BatchBytes];
            Array.Fill(batch, (byte)'x');
            batch[^1] = (byte)'\n';
            Row("append + fsync (today)", Measure(directory, "fsync", iterations, (stream, _) => { stream.Write(batch); stream.Flush(flushToDisk: true); }));
            // fallocate(FALLOC_FL_KEEP_SIZE) ahead of the appends: blocks reserved beyond the end, the file's size and
            // bytes unchanged; the rows alternate with plain appends so both see the same seconds of the disk.
            for (var round = 0; round < 2; round++)
            {
                Row("append + fdatasync", Measure(directory, "fdatasync" + round, iterations, (stream, _) => { stream.Write(batch); stream.Flush(); Check(fdatasync(Fd(stream.SafeFileHandle))); }));
                Row("fallocate KEEP_SIZE ahead, append + fdatasync", Measure(directory, "kept-fdatasync" + round, iterations, (stream, _) => { stream.Write(batch); stream.Flush(); Check(fdatasync(Fd(stream.SafeFileHandle))); }, preallocate: true));
                Row("fallocate KEEP_SIZE ahead, append + fsync", Measure(directory, "kept-fsync" + round, iterations, (stream, _) => { stream.Write(batch); stream.Flush(flushToDisk: true); }, preallocate: true));
                Row("append + fsync (today), again", Measure(directory, "fsync" + round, iterations, (stream, _) => { stream.Write(batch); stream.Flush(flushToDisk: true); }));
            }

            Row("append + fdatasync", Measure(directory, "fdatasync", iterations, (stream, _) => { stream.Write(batch); stream.Flush(); Check(fdatasync(Fd(stream.SafeFileHandle))); }));
            Row("append, O_DSYNC (WriteThrough)", Measure(directory, "dsync", iterations, (stream, _) => stream.Write(batch), FileOptions.WriteThrough));
            Row("preallocated, overwrite + fdatasync", MeasurePreallocated(directory, iterations, batch));
            foreach (var inPlace in new[] { false, true, false, true })
            {
                using var head = new HeadReplacer(directory.FullName, inPlace);
                var what = inPlace ? "head overwritten in place (same size) + fdatasync" : "head replaced (temp, fsync, rename)";
                Row($"append + fsync, {what} each 1 s beside it", Measure(directory, "fsync-head", iterations, (stream, _) => { stream.Write(batch); stream.Flush(flushToDisk: true); }));
                Console.WriteLine($"(head writes during that row: {head.Count}, each p50 {Percentile(head.Durations, 0.5):0.000} ms, max {head.Durations.DefaultIfEmpty().Max():0.000} ms)");
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static double[] Measure(DirectoryInfo directory, string name, int iterations, Action<FileStream, int> durableAppend, FileOptions options = FileOptions.None, bool preallocate = false)
    {
        using var stream = new FileStream(Path.Combine(directory.FullName, name + ".jsonl"), FileMode.Append, FileAccess.Write, FileShare.Read, 1, options);
        if (preallocate)
        {
            Check(fallocate(Fd(stream.SafeFileHandle), FallocKeepSize, 0, (long)iterations * BatchBytes + (1 << 20)));
            stream.Flush(flushToDisk: true);
        }

        var samples = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var started = Stopwatch.GetTimestamp();
            durableAppend(stream, i);
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        return samples;
    }

    private static double[] MeasurePreallocated(DirectoryInfo directory, int iterations, byte[] batch)
    {
        var path = Path.Combine(directory.FullName, "prealloc.jsonl");
        // Written zeros, not fallocate's unwritten extents: overwriting an unwritten extent converts it (metadata).
        using (var fill = new FileStream(path, FileMode.Create, FileAccess.Write))
        {
            var zeros = new byte[1 << 20];
            for (long written = 0; written < (long)iterations * BatchBytes; written += zeros.Length)
            {
                fill.Write(zeros);
            }

            fill.Flush(flushToDisk: true);
        }

        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write);
        var samples = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var started = Stopwatch.GetTimestamp();
            RandomAccess.Write(handle, batch, (long)i * BatchBytes);
            Check(fdatasync(Fd(handle)));
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        return samples;
    }

    private static int Fd(SafeFileHandle handle) => (int)handle.DangerousGetHandle();

    private static void Check(int result)
    {
        if (result != 0)
        {
            throw new IOException($"sync failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private static void Row(string name, double[] samples)
    {
        Array.Sort(samples);
        Console.WriteLine($"| {name} | {Percentile(samples, 0.5):0.000} | {Percentile(samples, 0.9):0.000} | {Percentile(samples, 0.99):0.000} | {Percentile(samples, 0.999):0.000} | {samples[^1]:0.000} | {samples.Count(s => s > 10)} |");
    }

    private static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return 0;
        }

        var copy = sorted.OrderBy(x => x).ToArray();
        return copy[Math.Min(copy.Length - 1, (int)(copy.Length * p))];
    }

    /// <summary>Replaces a small file the way the audit head is replaced (temp, write, fsync, rename), once a second.</summary>
    private sealed class HeadReplacer : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _thread;

        public HeadReplacer(string directory, bool inPlace)
        {
            _thread = new Thread(() =>
            {
                var path = Path.Combine(directory, inPlace ? "head-in-place.json" : "head.json");
                using var fixedHead = inPlace ? File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.Write) : null;
                while (!_stop.Token.WaitHandle.WaitOne(1000))
                {
                    var started = Stopwatch.GetTimestamp();
                    if (fixedHead is not null)
                    {
                        RandomAccess.Write(fixedHead, "{\"seq\":1,\"hash\":\"0000\"}"u8, 0);
                        Check(fdatasync(Fd(fixedHead)));
                    }
                    else
                    {
                        using (var stream = new FileStream(path + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None, 1))
                        {
                            stream.Write("{\"seq\":1,\"hash\":\"0000\"}"u8);
                            stream.Flush(flushToDisk: true);
                        }

                        File.Move(path + ".tmp", path, overwrite: true);
                    }

                    lock (Durations)
                    {
                        Durations.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                }
            }) { IsBackground = true };
            _thread.Start();
        }

        public List<double> Durations { get; } = [];

        public int Count => Durations.Count;

        public void Dispose()
        {
            _stop.Cancel();
            _thread.Join();
        }
    }
}
