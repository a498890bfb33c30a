using System.Diagnostics;
using System.Text.RegularExpressions;

namespace KeepTrusts.Bench.Load;

/// <summary>A real kt process, with its CPU time and peak memory read from /proc.</summary>
internal sealed partial class GatewayUnderTest : IAsyncDisposable
{
    private readonly Process _process;

    private GatewayUnderTest(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    public sealed record CpuSample(double Seconds, long Ticks);

    /// <param name="ktDirectory">Where kt.dll is; by default beside this program.</param>
    public static async Task<GatewayUnderTest> StartAsync(string name, string config, string? ktDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(ktDirectory ?? AppContext.BaseDirectory, "kt.dll"), "gateway", "run", "--listen", "127.0.0.1:0", "--policy-config", config, "--quiet" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["AZURE_OPENAI_API_KEY"] = "bench-key";
        var process = Process.Start(info)!;
        var listening = new TaskCompletionSource<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && Listening().Match(e.Data) is { Success: true } m)
            {
                listening.TrySetResult(m.Groups[1].Value);
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
        return new GatewayUnderTest(process, url);
    }

    public CpuSample Cpu()
    {
        var fields = File.ReadAllText($"/proc/{_process.Id}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // utime and stime are fields 14 and 15 of /proc/pid/stat (11 and 12 after the command name).
        return new CpuSample(Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency, long.Parse(fields[11]) + long.Parse(fields[12]));
    }

    /// <summary>CPU use since <paramref name="before"/> as a percentage of one core (clock ticks are 1/100 s on Linux).</summary>
    public double CpuPercentSince(CpuSample before)
    {
        var now = Cpu();
        return (now.Ticks - before.Ticks) / 100.0 / (now.Seconds - before.Seconds) * 100;
    }

    /// <summary>Peak resident memory (VmHWM).</summary>
    public double PeakMemoryMb()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(Regex.Match(line, @"\d+").Value) / 1024.0;
    }

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

    [GeneratedRegex(@"listening on (http://\S+)")]
    private static partial Regex Listening();
}
