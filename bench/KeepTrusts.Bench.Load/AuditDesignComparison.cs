using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;

namespace KeepTrusts.Bench.Load;

/// <summary>
/// <c>--audit-ab DIR</c>: what a request waits for the audit log (request record into the kernel, then its fsync; the
/// outcome written detached, as the gateway does, not awaited — an instant upstream, so nothing hides the fsync), at a fixed rate, for this build's
/// writer and for the writer of another build (DIR: its KeepTrusts.Engine.dll, loaded in its own load context). The
/// two are driven in alternating one-second slices on the same disk, so both see the same background load: on a
/// shared machine this compares the designs where a whole-gateway run cannot.
/// </summary>
internal static class AuditDesignComparison
{
    public static async Task RunAsync(string otherEngineDirectory, int rate, int seconds)
    {
        Console.WriteLine($"audit wait per request at {rate}/s (request record written + fsynced; instant upstream), alternating 1 s slices for {seconds} s each, load average {File.ReadAllText("/proc/loadavg").Trim()}");
        var other = new EngineContext(otherEngineDirectory);
        var mine = typeof(KeepTrusts.Engine.Audit.AuditLogWriter).Assembly;
        var dirs = new[] { Directory.CreateTempSubdirectory("kt-audit-ab-this-"), Directory.CreateTempSubdirectory("kt-audit-ab-other-") };
        try
        {
            var writers = new[] { Create(mine, dirs[0].FullName), Create(other.LoadFromAssemblyName(new AssemblyName("KeepTrusts.Engine")), dirs[1].FullName) };
            var samples = new[] { new List<double>(), new List<double>() };
            // One unmeasured slice each first: JIT, the dynamic call sites and the first file and head writes.
            await SliceAsync(writers[0], rate);
            await SliceAsync(writers[1], rate);
            for (var slice = 0; slice < seconds * 2; slice++)
            {
                var which = slice % 2;
                samples[which].AddRange(await SliceAsync(writers[which], rate));
            }

            Console.WriteLine("| writer | requests | audit wait p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | over 10 ms |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            for (var i = 0; i < 2; i++)
            {
                var all = samples[i].OrderBy(x => x).ToArray();
                double P(double q) => all[Math.Min(all.Length - 1, (int)(all.Length * q))];
                Console.WriteLine($"| {(i == 0 ? "this build" : otherEngineDirectory)} | {all.Length} | {P(0.5):0.000} | {P(0.9):0.000} | {P(0.99):0.000} | {P(0.999):0.000} | {all[^1]:0.000} | {all.Count(x => x > 10)} |");
            }

            foreach (var writer in writers)
            {
                await ((ValueTask)writer.DisposeAsync()).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var dir in dirs)
            {
                dir.Delete(recursive: true);
            }
        }

        Console.WriteLine($"load average at end {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    private static dynamic Create(Assembly engine, string directory)
    {
        var options = Activator.CreateInstance(engine.GetType("KeepTrusts.Engine.Configuration.AuditLoggerOptions", throwOnError: true)!)!;
        options.GetType().GetProperty("Fsync")!.SetValue(options, true);
        var type = engine.GetType("KeepTrusts.Engine.Audit.AuditLogWriter", throwOnError: true)!;
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var arguments = constructor.GetParameters().Select((p, i) => i == 0 ? options : i == 1 ? directory : null).ToArray();
        return constructor.Invoke(arguments);
    }

    private static object Record(Assembly engine, string id, bool request)
    {
        var record = Activator.CreateInstance(engine.GetType("KeepTrusts.Engine.Audit.AuditRecord", throwOnError: true)!)!;
        var type = record.GetType();
        type.GetProperty("RequestId")!.SetValue(record, id);
        type.GetProperty("Path")!.SetValue(record, "/v1/chat/completions");
        type.GetProperty("Model")!.SetValue(record, "gpt-4o");
        var kind = engine.GetType("KeepTrusts.Engine.Audit.AuditRecordKind", throwOnError: true)!;
        type.GetProperty("Kind")!.SetValue(record, Enum.Parse(kind, request ? "Request" : "Outcome"));
        type.GetProperty("PromptContent")!.SetValue(record, "Summarize the capacity plan for the East US deployment, with the [REDACTED:email] contact.");
        if (!request)
        {
            type.GetProperty("Status")!.SetValue(record, 200);
            type.GetProperty("CompletionContent")!.SetValue(record, "Azure AI services give you prebuilt models, enterprise security and regional data residency.");
        }

        return record;
    }

    /// <summary>One second of open-loop requests (latency from each one's scheduled start: a stall is not hidden).</summary>
    private static async Task<double[]> SliceAsync(dynamic writer, int rate)
    {
        Assembly engine = ((object)writer).GetType().Assembly;
        var waits = new double[rate];
        var tasks = new Task[rate];
        var clock = Stopwatch.StartNew();
        var sent = 0;
        while (sent < rate)
        {
            var due = Math.Min(rate, (int)(clock.Elapsed.TotalSeconds * rate) + 1);
            for (; sent < due; sent++)
            {
                var index = sent;
                var scheduled = TimeSpan.FromSeconds((double)index / rate);
                var request = Record(engine, $"ab-{index}", request: true);
                var outcome = Record(engine, $"ab-{index}", request: false);
                tasks[index] = Task.Run(async () =>
                {
                    dynamic write = await writer.WriteRequestAsync((dynamic)request, CancellationToken.None);
                    await (Task)write.Durable;
                    waits[index] = (clock.Elapsed - scheduled).TotalMilliseconds;
                    WriteOutcome(writer, outcome);
                });
            }

            Thread.Sleep(1);
        }

        await Task.WhenAll(tasks);
        return waits;
    }

    /// <summary>
    /// The outcome as the gateway writes it: detached (<c>WriteDetached</c>, nobody waits), or with <c>WriteAsync</c>
    /// on a build from before detached writes.
    /// </summary>
    private static void WriteOutcome(dynamic writer, object outcome)
    {
        var type = ((object)writer).GetType();
        var detached = type.GetMethod("WriteDetached");
        if (detached is null)
        {
            _ = ((ValueTask)writer.WriteAsync((dynamic)outcome, CancellationToken.None)).AsTask();
            return;
        }

        var failed = typeof(AuditDesignComparison).GetMethod(nameof(OutcomeFailed), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(outcome.GetType())
            .CreateDelegate(typeof(Action<,>).MakeGenericType(outcome.GetType(), typeof(Exception)));
        detached.Invoke((object)writer, new object[] { outcome, failed });
    }

    private static void OutcomeFailed<TRecord>(TRecord record, Exception error) => Console.Error.WriteLine($"outcome write failed: {error.Message}");

    /// <summary>Another build's engine and its own dependencies, beside this build's.</summary>
    private sealed class EngineContext(string directory) : AssemblyLoadContext("other-engine")
    {
        protected override Assembly? Load(AssemblyName name)
        {
            var path = Path.Combine(directory, name.Name + ".dll");
            return File.Exists(path) && !name.Name!.StartsWith("System.", StringComparison.Ordinal) && !name.Name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
