using System.Diagnostics;
using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Bench.Load;

/// <summary>
/// The audit writer alone, in process (<c>--audit-writer</c>): N concurrent writers, each awaiting its record, with the
/// head replaced after every batch (the cadence before issue 16) and once a second, fsync per batch and fsync: false.
/// Isolates the writer's cost per record from the gateway's.
/// </summary>
internal static class AuditWriterBench
{
    public static async Task RunAsync(int writers, int seconds)
    {
        Console.WriteLine($"audit writer alone: {writers} concurrent writers, {seconds} s per row, load average {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine("| fsync | head cadence | records/s | write p50 ms | write p99 ms | write max ms |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|");
        foreach (var fsync in new[] { true, false })
        {
            foreach (var interval in new[] { TimeSpan.Zero, AuditLogWriter.DefaultHeadInterval })
            {
                var (rate, p50, p99, max) = await RowAsync(fsync, interval, writers, seconds);
                Console.WriteLine($"| {(fsync ? "per batch" : "false")} | {(interval == TimeSpan.Zero ? "every batch" : $"every {interval.TotalSeconds:0} s")} | {rate:0} | {p50:0.000} | {p99:0.000} | {max:0.000} |");
            }
        }

        // What a request waits for the audit log in each design, fsync per batch, with a fake model call in between.
        Console.WriteLine();
        Console.WriteLine("| design | model call | concurrent requests | requests/s | audit wait p50 ms | audit wait p99 ms |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|");
        foreach (var (slowModel, concurrent) in new[] { (false, writers), (true, 200) })
        {
            foreach (var split in new[] { false, true })
            {
                var (rate, p50, p99) = await RequestRowAsync(split, slowModel, concurrent, seconds);
                Console.WriteLine($"| {(split ? "request record before the call (1 s head), outcome not awaited" : "complete record after the call, head every batch (before)")} | {(slowModel ? "50–300 ms" : "none")} | {concurrent} | {rate:0} | {p50:0.000} | {p99:0.000} |");
            }
        }
    }

    /// <summary>Per request: the audit time it waits for (the split design: the request record; before: the complete record).</summary>
    private static async Task<(double Rate, double P50, double P99)> RequestRowAsync(bool split, bool slowModel, int concurrent, int seconds)
    {
        var directory = Directory.CreateTempSubdirectory("kt-audit-bench-");
        try
        {
            await using var writer = new AuditLogWriter(new AuditLoggerOptions { Fsync = true, RetentionDays = 1 }, directory.FullName, headInterval: split ? AuditLogWriter.DefaultHeadInterval : TimeSpan.Zero);
            var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
            var samples = new List<double>[concurrent];
            await Task.WhenAll(Enumerable.Range(0, concurrent).Select(w => Task.Run(async () =>
            {
                var mine = samples[w] = new List<double>(10_000);
                var n = 0;
                while (Stopwatch.GetTimestamp() < until)
                {
                    var record = Record(w, n++);
                    var waited = 0.0;
                    if (split)
                    {
                        var started = Stopwatch.GetTimestamp();
                        await writer.WriteRequestAsync(record);
                        waited = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    }

                    if (slowModel)
                    {
                        await Task.Delay(50 + Random.Shared.Next(250));
                    }

                    var answered = Stopwatch.GetTimestamp();
                    var outcome = writer.WriteAsync(record);
                    if (!split)
                    {
                        await outcome;
                        waited = Stopwatch.GetElapsedTime(answered).TotalMilliseconds;
                    }

                    mine.Add(waited);
                }
            })));
            var all = samples.SelectMany(s => s).OrderBy(x => x).ToArray();
            return (all.Length / (double)seconds, all[all.Length / 2], all[(int)(all.Length * 0.99)]);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<(double Rate, double P50, double P99, double Max)> RowAsync(bool fsync, TimeSpan interval, int writers, int seconds)
    {
        var directory = Directory.CreateTempSubdirectory("kt-audit-bench-");
        try
        {
            await using var writer = new AuditLogWriter(new AuditLoggerOptions { Fsync = fsync, RetentionDays = 1 }, directory.FullName, headInterval: interval);
            var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
            var samples = new List<double>[writers];
            await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                var mine = samples[w] = new List<double>(100_000);
                var n = 0;
                while (Stopwatch.GetTimestamp() < until)
                {
                    var started = Stopwatch.GetTimestamp();
                    await writer.WriteAsync(Record(w, n++));
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            })));
            var all = samples.SelectMany(s => s).OrderBy(x => x).ToArray();
            return (all.Length / (double)seconds, all[all.Length / 2], all[(int)(all.Length * 0.99)], all[^1]);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static AuditRecord Record(int writer, int n) => new()
    {
        RequestId = $"bench-{writer}-{n}",
        Path = "/v1/chat/completions",
        Model = "gpt-4o",
        Target = "fast",
        Status = 200,
        LatencyMs = 1.234,
        PromptTokens = 42,
        CompletionTokens = 24,
        Cost = 0.000345m,
        Attempts = 1,
        PromptContent = "Summarize the capacity plan for the East US deployment, with the [REDACTED:email] contact.",
        CompletionContent = "Azure AI services give you prebuilt models, enterprise security and regional data residency.",
    };
}
