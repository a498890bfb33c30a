using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KeepTrusts.Testing.Storage;

/// <summary>
/// Azurite's blob service (npm package <c>azurite</c>) on a free loopback port with its own temp directory, for the
/// audit shipping tests. Outside CI a missing azurite skips those tests with the install command; in CI (which installs
/// it in .ci/run) it fails them.
/// </summary>
public sealed class AzuriteServer : IDisposable
{
    /// <summary>Azurite's documented development account (a public, well-known key, not a secret).</summary>
    public const string AccountName = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly string _location;
    private readonly StringBuilder _output = new();

    private AzuriteServer(Process process, string location, int port)
    {
        _process = process;
        _location = location;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{Port}/{AccountName};";

    public static string? BinaryPath =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, "azurite-blob"))
            .FirstOrDefault(File.Exists);

    public static bool RunningInCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the Azurite tests cannot run here, or null when they can (always null in CI, so a missing one fails).</summary>
    public static string? SkipReason =>
        BinaryPath is not null || RunningInCi
            ? null
            : "azurite is not installed (no azurite-blob on PATH): install it with 'npm install -g azurite@3.37.0' to run the audit shipping tests.";

    public static AzuriteServer Start()
    {
        var binary = BinaryPath ?? throw new InvalidOperationException(
            "azurite-blob is required but not on PATH. Install it with 'npm install -g azurite@3.37.0' (CI installs it in .ci/run).");
        var location = Directory.CreateTempSubdirectory("kt-azurite-").FullName;
        var port = FreePort();
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--location", location, "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        var server = new AzuriteServer(process, location, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Node loads Azurite in ~8 s on an idle 2-core machine; under a full parallel test run it can take much longer.
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                server.Dispose();
                throw new InvalidOperationException($"azurite-blob exited with code {process.ExitCode}: {server.Output}");
            }

            if (Accepts(port))
            {
                return server;
            }

            Thread.Sleep(100);
        }

        server.Dispose();
        throw new TimeoutException($"azurite-blob on 127.0.0.1:{port} did not accept connections within 120 s: {server.Output}");
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

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_location, recursive: true);
        }
        catch (IOException)
        {
            // Azurite may still hold a file for a moment; the temp directory is cleaned by the OS.
        }
    }
}
