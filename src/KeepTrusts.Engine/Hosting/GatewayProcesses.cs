using System.Diagnostics;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace KeepTrusts.Engine.Hosting;

/// <summary>
/// Starts, lists and stops kt gateway processes for Start-/Get-/Stop-KtGateway. Each instance is a JSON record
/// (no secrets) plus a log file in the state directory; kt writes its own log there, so the gateway keeps running
/// and logging after the PowerShell session that started it has gone.
/// </summary>
public static partial class GatewayProcesses
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string DefaultStateDirectory
    {
        get
        {
            var root = System.Environment.GetEnvironmentVariable("KT_STATE_DIR")
                ?? System.Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR")
                ?? Path.GetTempPath();
            return Path.Combine(root, "keeptrusts", "gateways");
        }
    }

    public static async Task<GatewayInstance> StartAsync(GatewayStartOptions options, Action<string>? onLogLine, CancellationToken cancellationToken)
    {
        var stateDirectory = options.StateDirectory ?? DefaultStateDirectory;
        Directory.CreateDirectory(stateDirectory);
        var id = "kt-" + Guid.NewGuid().ToString("N")[..8];
        var logPath = Path.Combine(stateDirectory, id + ".log");
        var info = CreateStartInfo(options.KtPath);
        foreach (var arg in new[] { "gateway", "run", "--listen", options.Listen, "--policy-config", options.PolicyConfig, "--log-file", logPath })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in options.Environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new GatewayStartException($"could not start '{info.FileName}'");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var started = DateTimeOffset.Now;
        var deadline = DateTime.UtcNow + options.ReadyTimeout;
        using var tail = new LogTail(logPath);
        string? url = null;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var line in tail.ReadNewLines())
            {
                onLogLine?.Invoke(line);
                if (url is null && ListeningLine().Match(line) is { Success: true } match)
                {
                    url = match.Groups[1].Value;
                }
            }

            if (process.HasExited)
            {
                foreach (var line in tail.ReadNewLines())
                {
                    onLogLine?.Invoke(line);
                }

                throw new GatewayStartException($"kt exited with code {process.ExitCode} before it was ready:{System.Environment.NewLine}{tail.LastLines(20)}");
            }

            if (url is not null && await IsReadyAsync(url, cancellationToken).ConfigureAwait(false))
            {
                var instance = new GatewayInstance(id, url, process.Id, options.PolicyConfig, started, logPath);
                await File.WriteAllTextAsync(RecordPath(stateDirectory, id), JsonSerializer.Serialize(instance, Json), cancellationToken).ConfigureAwait(false);
                return instance;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                Terminate(process.Id);
                cancellationToken.ThrowIfCancellationRequested();
            }

            await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
        }

        Terminate(process.Id);
        throw new GatewayStartException($"kt did not answer /readyz within {options.ReadyTimeout.TotalSeconds:0} s:{System.Environment.NewLine}{tail.LastLines(20)}");
    }

    /// <summary>The recorded instances whose process is still alive; records of dead ones are removed.</summary>
    public static IReadOnlyList<GatewayInstance> List(string? stateDirectory = null)
    {
        var directory = stateDirectory ?? DefaultStateDirectory;
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var instances = new List<GatewayInstance>();
        foreach (var file in Directory.GetFiles(directory, "kt-*.json"))
        {
            GatewayInstance? instance;
            try
            {
                instance = JsonSerializer.Deserialize<GatewayInstance>(File.ReadAllText(file));
            }
            catch (Exception ex) when (ex is JsonException or IOException)
            {
                continue;
            }

            if (instance is not null && IsAlive(instance))
            {
                instances.Add(instance);
            }
            else
            {
                TryDelete(file);
            }
        }

        return instances.OrderBy(i => i.StartTime).ToList();
    }

    /// <summary>Stops an instance gracefully (SIGTERM: in-flight requests drain), killing it after <paramref name="timeout"/>.</summary>
    public static async Task<GatewayInstance> StopAsync(GatewayInstance instance, TimeSpan timeout, string? stateDirectory = null)
    {
        if (IsAlive(instance))
        {
            using var process = Process.GetProcessById(instance.ProcessId);
            Terminate(instance.ProcessId);
            using var wait = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        TryDelete(RecordPath(stateDirectory ?? DefaultStateDirectory, instance.Id));
        return instance with { Status = "Stopped" };
    }

    /// <summary>SIGTERM on Unix (graceful drain); on Windows there is no signal to send, so the process is killed.</summary>
    public static void Terminate(int processId)
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            _ = SendSignal(processId, 15);
            return;
        }

        try
        {
            using var process = Process.GetProcessById(processId);
            process.Kill(entireProcessTree: true);
        }
        catch (ArgumentException)
        {
        }
    }

    private static ProcessStartInfo CreateStartInfo(string ktPath)
    {
        if (!File.Exists(ktPath))
        {
            throw new GatewayStartException($"the gateway host was not found at '{ktPath}'; rebuild the module (dotnet build) so out/KeepTrusts/gateway/kt.dll exists");
        }

        var dotnet = FindDotnet() ?? throw new GatewayStartException("the 'dotnet' host was not found (set DOTNET_ROOT or put dotnet on PATH); kt needs the ASP.NET Core runtime 8.0 or later");
        // kt logs to its own file; its standard streams are redirected (and drained) so it never holds the caller's
        // console or pipes open — a test runner or a CI step waiting for EOF would otherwise wait for the gateway.
        var info = new ProcessStartInfo(dotnet)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            WorkingDirectory = Path.GetDirectoryName(ktPath)!,
        };
        info.ArgumentList.Add(ktPath);
        return info;
    }

    private static string? FindDotnet()
    {
        var name = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";
        if (System.Environment.ProcessPath is { } self && Path.GetFileName(self) == name)
        {
            return self;
        }

        var roots = new[] { System.Environment.GetEnvironmentVariable("DOTNET_ROOT") }
            .Concat((System.Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
            .Append(Path.GetDirectoryName(typeof(object).Assembly.Location) is { } runtime ? Path.GetFullPath(Path.Combine(runtime, "..", "..", "..")) : null);
        return roots.Where(r => !string.IsNullOrEmpty(r)).Select(r => Path.Combine(r!, name)).FirstOrDefault(File.Exists);
    }

    private static bool IsAlive(GatewayInstance instance)
    {
        try
        {
            using var process = Process.GetProcessById(instance.ProcessId);
            // A recycled pid started after our record is not ours.
            return !process.HasExited && process.StartTime <= instance.StartTime.LocalDateTime.AddSeconds(5);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static async Task<bool> IsReadyAsync(string url, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using var response = await http.GetAsync(url.TrimEnd('/') + "/readyz", cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static string RecordPath(string directory, string id) => Path.Combine(directory, id + ".json");

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);

    [GeneratedRegex(@"listening on (http://\S+)")]
    private static partial Regex ListeningLine();
}
