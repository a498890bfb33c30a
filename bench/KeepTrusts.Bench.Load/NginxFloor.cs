using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace KeepTrusts.Bench.Load;

/// <summary>
/// nginx as a plain reverse proxy in front of the same fake upstream: the floor for one HTTP hop on this machine.
/// Started with its own generated config on a loopback port, every path (pid, logs, temp files) in a temp directory,
/// one worker per core, keep-alive connections to the upstream, no buffering (streams pass through), no access log.
/// </summary>
internal sealed class NginxFloor : IMeasuredTarget, IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private readonly string _nginx;

    private NginxFloor(Process process, string nginx, string directory, string url)
    {
        _process = process;
        _nginx = nginx;
        _directory = directory;
        Url = url;
    }

    public const string RowName = "nginx reverse proxy (floor)";

    public string Url { get; }

    /// <summary>nginx's path, or null when it is not installed (the row is then skipped).</summary>
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Append("/usr/sbin").Append("/usr/local/sbin")
        .Select(dir => Path.Combine(dir, "nginx")).FirstOrDefault(File.Exists);

    public static async Task<NginxFloor> StartAsync(string nginx, string upstreamUrl, string workDirectory)
    {
        var directory = Directory.CreateDirectory(Path.Combine(workDirectory, "nginx")).FullName;
        // Workers of a root-started nginx run as nobody: they must reach the temp paths.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(workDirectory, (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        }
        var upstream = new Uri(upstreamUrl);
        var port = FreeLoopbackPort();
        var config = Path.Combine(directory, "nginx.conf");
        File.WriteAllText(config, $$"""
            worker_processes {{Environment.ProcessorCount}};
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                client_body_temp_path {{directory}}/client_body;
                proxy_temp_path {{directory}}/proxy;
                fastcgi_temp_path {{directory}}/fastcgi;
                uwsgi_temp_path {{directory}}/uwsgi;
                scgi_temp_path {{directory}}/scgi;
                upstream fake { server 127.0.0.1:{{upstream.Port}}; keepalive 256; }
                server {
                    listen 127.0.0.1:{{port}};
                    location / {
                        proxy_pass http://fake;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_buffering off;
                        proxy_request_buffering off;
                    }
                }
            }
            """);
        var info = new ProcessStartInfo(nginx) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-p", directory, "-e", Path.Combine(directory, "error.log"), "-c", config, "-g", "daemon off;" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        var url = $"http://127.0.0.1:{port}";
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited with {process.ExitCode}: {await process.StandardError.ReadToEndAsync()}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(50);
            }
        }

        return new NginxFloor(process, nginx, directory, url);
    }

    public long CpuTicks() => MeasuredProcesses.CpuTicks(_process.Id);

    public ContextSwitches Switches() => MeasuredProcesses.Switches(_process.Id);

    public double PeakMemoryMb() => MeasuredProcesses.PeakMemoryMb(_process.Id);

    public void ResetPeakMemory() => MeasuredProcesses.ResetPeak(_process.Id);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // A fast shutdown through the master (SIGTERM by "-s stop"), so it reaps its own workers.
            using var stop = Process.Start(new ProcessStartInfo(_nginx, ["-p", _directory, "-e", Path.Combine(_directory, "error.log"), "-c", Path.Combine(_directory, "nginx.conf"), "-s", "stop"]) { UseShellExecute = false, RedirectStandardError = true });
            await stop!.WaitForExitAsync();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
