using System.Diagnostics;
using System.Text.RegularExpressions;

namespace KeepTrusts.Bench.Load;

/// <summary>A real kt process, with its CPU time and peak memory read from /proc.</summary>
internal sealed partial class GatewayUnderTest : IMeasuredTarget, IAsyncDisposable
{
    private readonly Process _process;

    private GatewayUnderTest(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    public sealed record CpuSample(double Seconds, long Ticks);

    /// <param name="ktDirectory">Where kt.dll is, or a native kt executable (Native AOT) without kt.dll; by default beside this program.</param>
    /// <param name="extraEnvironment">More runtime settings for this one kt, after KT_BENCH_GATEWAY_ENV ("DOTNET_X=1;…").</param>
    public static async Task<GatewayUnderTest> StartAsync(string name, string config, string? ktDirectory = null, string? extraEnvironment = null)
    {
        var native = ktDirectory is not null && !File.Exists(Path.Combine(ktDirectory, "kt.dll")) && File.Exists(Path.Combine(ktDirectory, "kt"));
        var info = new ProcessStartInfo(native ? Path.Combine(ktDirectory!, "kt") : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var ktArgs = new[] { "gateway", "run", "--listen", "127.0.0.1:0", "--policy-config", config, "--quiet" };
        foreach (var arg in native ? ktArgs : [ktDirectory is not null ? Path.Combine(ktDirectory, "kt.dll") : Environment.GetEnvironmentVariable("KT_BENCH_KT_DLL") ?? Path.Combine(AppContext.BaseDirectory, "kt.dll"), .. ktArgs])
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["AZURE_OPENAI_API_KEY"] = "bench-key";
        // KT_BENCH_KT_DLL: another kt build (e.g. the commit before a change) under the same driver, upstream and nginx.
        // KT_BENCH_GATEWAY_ENV="DOTNET_X=1;DOTNET_Y=0": runtime settings for kt only (not the driver), to compare them in one run.
        foreach (var pair in ((Environment.GetEnvironmentVariable("KT_BENCH_GATEWAY_ENV") ?? string.Empty) + ";" + extraEnvironment).Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            info.Environment[pair[..equals]] = pair[(equals + 1)..];
        }

        var started = Stopwatch.StartNew();
        var process = Process.Start(info)!;
        var listening = new TaskCompletionSource<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && Listening().Match(e.Data) is { Success: true } m)
            {
                listening.TrySetResult(m.Groups[1].Value);
            }
            else if (e.Data is not null && e.Data.Contains("warn", StringComparison.OrdinalIgnoreCase))
            {
                // kt's warnings (e.g. Kestrel refusing connections over max_concurrent_connections) explain errors in the table.
                Console.Error.WriteLine($"[{name}] {e.Data}");
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"[{name}] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var url = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var listeningMs = started.Elapsed.TotalMilliseconds;
        // Start-up as a client sees it: from exec to the first answered chat request (one request, the bench's body).
        using (var first = await Scraper.PostAsync(url + "/v1/chat/completions", new ByteArrayContent(LoadDriver.ChatRequest) { Headers = { ContentType = new("application/json") } }))
        {
            Console.WriteLine($"[{name}] {(native ? "native kt" : "kt.dll")}: listening after {listeningMs:F0} ms, first answer (HTTP {(int)first.StatusCode}) after {started.Elapsed.TotalMilliseconds:F0} ms, peak RSS so far {MeasuredProcesses.PeakMemoryMb(process.Id):F1} MB");
        }

        return new GatewayUnderTest(process, url);
    }

    public long CpuTicks() => MeasuredProcesses.CpuTicks(_process.Id);

    public ContextSwitches Switches() => MeasuredProcesses.Switches(_process.Id);

    private static readonly HttpClient Scraper = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>kt_process_allocated_bytes from kt's /metrics (one scrape: a few KB, against thousands of requests per row).</summary>
    public long? AllocatedBytes()
    {
        try
        {
            var text = Scraper.GetStringAsync(Url + "/metrics").GetAwaiter().GetResult();
            return Allocated().Match(text) is { Success: true } m ? (long)double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Peak resident memory (VmHWM).</summary>
    public double PeakMemoryMb() => MeasuredProcesses.PeakMemoryMb(_process.Id);

    public void ResetPeakMemory() => MeasuredProcesses.ResetPeak(_process.Id);

    // Only the daily record files: the directory also holds the writer's lock and head files.
    public int AuditRecordCount(string directory) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory, "*.jsonl", SearchOption.AllDirectories).Sum(f => File.ReadLines(f).Count()) : 0;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"^kt_process_allocated_bytes (\S+)$", RegexOptions.Multiline)]
    private static partial Regex Allocated();

    [GeneratedRegex(@"listening on (http://\S+)")]
    private static partial Regex Listening();
}
