using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KeepTrusts.Testing.Redis;

/// <summary>
/// A real redis-server (Debian package redis-server) on 127.0.0.1 and a free port, in its own temporary directory,
/// with persistence off. Tests can kill it and start it again on the same port to see the gateway fall back and recover.
/// </summary>
public sealed class RedisServer : IDisposable
{
    public const string BinaryPath = "/usr/bin/redis-server";

    private readonly string _directory;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private RedisServer(int port, string directory)
    {
        Port = port;
        _directory = directory;
    }

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string of this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static bool IsInstalled => File.Exists(BinaryPath);

    /// <summary>
    /// Why Redis tests cannot run here, or null when they can. Inside CI (CI=true) this is always null so a missing
    /// binary fails the tests instead of silently skipping them.
    /// </summary>
    public static string? SkipReason =>
        IsInstalled || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? null
            : $"redis-server is not installed ({BinaryPath} missing): install it with 'apt-get install -y redis-server' to run the shared-state tests.";

    public static RedisServer Start()
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException(
                $"redis-server is required but {BinaryPath} does not exist. Install it with 'apt-get install -y redis-server' (CI installs it in .ci/run).");
        }

        Exception? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var directory = Directory.CreateTempSubdirectory("kt-redis-").FullName;
            var server = new RedisServer(FindFreePort(), directory);
            try
            {
                server.Restart();
                return server;
            }
            catch (IOException ex)
            {
                // Another process took the port between probing and binding: try another.
                last = ex;
                server.Dispose();
            }
        }

        throw new InvalidOperationException("redis-server did not start on a free loopback port after 5 attempts.", last);
    }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Kills the server at once (SIGKILL), as a crash or a network cut would.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit(5000);
        }
    }

    /// <summary>Starts the server (again) on the same port, with empty data.</summary>
    public void Restart()
    {
        Kill();
        var info = new ProcessStartInfo(BinaryPath)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        foreach (var argument in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _directory, "--daemonize", "no" })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
        _process = process;
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                var output = Output;
                if (output.Contains("Address already in use", StringComparison.OrdinalIgnoreCase))
                {
                    throw new IOException(output);
                }

                throw new InvalidOperationException($"redis-server exited with code {process.ExitCode}: {output}");
            }

            if (Answers(Port))
            {
                return;
            }

            Thread.Sleep(50);
        }

        Kill();
        throw new TimeoutException($"redis-server on 127.0.0.1:{Port} did not answer PING within 10 s: {Output}");
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public void Dispose()
    {
        try
        {
            Kill();
            _process?.Dispose();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FindFreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Readiness probe: an inline PING answered with +PONG.</summary>
    private static bool Answers(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            client.ReceiveTimeout = 500;
            var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[16];
            var read = stream.Read(buffer, 0, buffer.Length);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return false;
        }
    }
}
