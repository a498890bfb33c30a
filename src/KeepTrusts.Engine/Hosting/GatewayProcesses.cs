using System.Diagnostics;
using System.Net.Http;
using System.Runtime.InteropServices;

namespace KeepTrusts.Engine.Hosting;

/// <summary>
/// Starts, lists and stops kt gateway processes for Start-/Get-/Stop-KtGateway. Each instance is a JSON record
/// (no secrets) plus a log file in the state directory; kt writes its own log there, so the gateway keeps running
/// and logging after the PowerShell session that started it has gone.
/// </summary>
public static partial class GatewayProcesses
{
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

    /// <summary>How long the record of a gateway that exited on its own stays listed (as Exited) before it is removed.</summary>
    public static readonly TimeSpan ExitedRecordRetention = TimeSpan.FromDays(7);

    public static async Task<GatewayInstance> StartAsync(GatewayStartOptions options, Action<string>? onLogLine, CancellationToken cancellationToken)
    {
        var listen = ListenAddress.Parse(options.Listen);
        var stateDirectory = options.StateDirectory ?? DefaultStateDirectory;
        Directory.CreateDirectory(stateDirectory);
        var id = "kt-" + Guid.NewGuid().ToString("N")[..8];
        var logPath = Path.Combine(stateDirectory, id + ".log");
        var recordPath = RecordPath(stateDirectory, id);
        var info = GatewayLauncher.CreateStartInfo(options.KtPath);
        foreach (var arg in new[] { "gateway", "run", "--listen", listen.ToString(), "--policy-config", options.PolicyConfig, "--log-file", logPath, "--instance-record", recordPath })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in options.Environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var started = DateTimeOffset.Now;
        // The record exists before kt does: kt fills in the URL it bound, and its exit code if it ends.
        GatewayInstanceRecord.Write(recordPath, new GatewayInstance(id, string.Empty, 0, options.PolicyConfig, started, logPath) { Status = "Starting" });
        using var process = Process.Start(info) ?? throw new GatewayStartException(GatewayStartFailure.Exited, $"Could not start '{info.FileName}'.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + options.ReadyTimeout;
        using var tail = new LogTail(logPath);
        try
        {
            while (DateTime.UtcNow < deadline)
            {
                foreach (var line in tail.ReadNewLines())
                {
                    onLogLine?.Invoke(line);
                }

                if (process.HasExited)
                {
                    foreach (var line in tail.ReadNewLines())
                    {
                        onLogLine?.Invoke(line);
                    }

                    throw ExitedBeforeReady(process.ExitCode, GatewayInstanceRecord.TryRead(recordPath)?.ExitReason, tail.LastLines(20));
                }

                var record = GatewayInstanceRecord.TryRead(recordPath);
                if (record is { Url.Length: > 0 } && await IsReadyAsync(record.Url, cancellationToken).ConfigureAwait(false))
                {
                    var instance = record with { ProcessId = process.Id, StartTime = started, Status = "Running" };
                    GatewayInstanceRecord.Write(recordPath, instance);
                    return instance;
                }

                cancellationToken.ThrowIfCancellationRequested();
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }

            throw new GatewayStartException(GatewayStartFailure.NotReady,
                string.Create(CultureInfo.InvariantCulture, $"kt did not answer /readyz within {options.ReadyTimeout.TotalSeconds:0} s; raise -TimeoutSeconds or read the log at {logPath}."), tail.LastLines(20));
        }
        catch
        {
            if (!process.HasExited)
            {
                Terminate(process.Id);
            }

            TryDelete(recordPath);
            throw;
        }
    }

    private static GatewayStartException ExitedBeforeReady(int exitCode, string? reason, string logTail) => exitCode switch
    {
        KtExitCodes.CannotListen => new(GatewayStartFailure.CannotListen, reason ?? "kt could not listen on the requested address.", logTail),
        KtExitCodes.AuditUnavailable => new(GatewayStartFailure.AuditLogUnavailable, reason ?? "The audit log cannot start; see the gateway's log.", logTail),
        KtExitCodes.InvalidInput => new(GatewayStartFailure.InvalidConfig, reason ?? "The policy config has errors; the gateway did not start.", logTail),
        _ => new(GatewayStartFailure.Exited, reason ?? string.Create(CultureInfo.InvariantCulture, $"kt exited with code {exitCode} before it was ready."), logTail),
    };

    /// <summary>
    /// The recorded instances: Running while their process lives, Exited (with exit code and last log lines) when it ended
    /// without Stop-KtGateway. Exited records stay listed until Stop-KtGateway removes them or <see cref="ExitedRecordRetention"/> passes.
    /// </summary>
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
            var instance = GatewayInstanceRecord.TryRead(file);
            if (instance is null)
            {
                continue;
            }

            if (instance.ProcessId != 0 && IsAlive(instance))
            {
                instances.Add(instance);
            }
            else if (instance.Status == "Starting" && instance.ProcessId == 0 && DateTimeOffset.Now - instance.StartTime < TimeSpan.FromMinutes(10))
            {
                // Start-KtGateway is between writing the record and starting kt.
                instances.Add(instance);
            }
            else if (DateTimeOffset.Now - instance.StartTime > ExitedRecordRetention)
            {
                TryDelete(file);
            }
            else
            {
                instances.Add(instance with { Status = "Exited", LastLogLines = LastLogLines(instance.LogPath, 10) });
            }
        }

        RemoveOrphanLogs(directory);
        return instances.OrderBy(i => i.StartTime).ToList();
    }

    /// <summary>
    /// Stop-KtGateway removes a record but keeps its log for reading afterwards; a log without a record that was last
    /// written more than <see cref="ExitedRecordRetention"/> ago goes, so the state directory does not grow without bound.
    /// </summary>
    private static void RemoveOrphanLogs(string directory)
    {
        foreach (var log in Directory.GetFiles(directory, "kt-*.log"))
        {
            if (!File.Exists(Path.ChangeExtension(log, ".json")) && DateTime.UtcNow - File.GetLastWriteTimeUtc(log) > ExitedRecordRetention)
            {
                TryDelete(log);
            }
        }
    }

    private static IReadOnlyList<string> LastLogLines(string logPath, int count)
    {
        using var tail = new LogTail(logPath);
        foreach (var _ in tail.ReadNewLines())
        {
        }

        return tail.LastLines(count).Split(System.Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>
    /// Stops an instance gracefully (SIGTERM: in-flight requests drain), killing it after <paramref name="timeout"/>; an
    /// Exited instance just loses its record. Cancelling stops the wait only: the gateway still drains and exits.
    /// </summary>
    public static async Task<GatewayInstance> StopAsync(GatewayInstance instance, TimeSpan timeout, string? stateDirectory = null, CancellationToken cancellationToken = default)
    {
        var recordPath = RecordPath(stateDirectory ?? Path.GetDirectoryName(instance.LogPath) ?? DefaultStateDirectory, instance.Id);
        if (instance.ProcessId != 0 && instance.Status != "Exited" && IsAlive(instance))
        {
            using var process = Process.GetProcessById(instance.ProcessId);
            Terminate(instance.ProcessId);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                TryDelete(recordPath);
                throw;
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        TryDelete(recordPath);
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
}
