using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KeepTrusts.Testing.Dns;

/// <summary>
/// A real dnsmasq (Debian package dnsmasq-base) on 127.0.0.1 and a free port, answering only what the test
/// configures: CNAME chains and A records, NXDOMAIN for everything else under the configured domains.
/// </summary>
public sealed class DnsmasqServer : IDisposable
{
    public const string BinaryPath = "/usr/sbin/dnsmasq";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private DnsmasqServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The value to pass to -DnsServer.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    public static bool IsInstalled => File.Exists(BinaryPath);

    public static bool RunningInCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Why dnsmasq tests cannot run here, or null when they can. Inside CI (CI=true) this is always null so a
    /// missing binary fails the tests instead of silently skipping them.
    /// </summary>
    public static string? SkipReason =>
        IsInstalled || RunningInCi
            ? null
            : $"dnsmasq is not installed ({BinaryPath} missing): install it with 'apt-get install -y dnsmasq-base' to run the DNS tests.";

    public static DnsmasqServer Start(DnsmasqZone zone)
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException(
                $"dnsmasq is required but {BinaryPath} does not exist. Install it with 'apt-get install -y dnsmasq-base' (CI installs it in .ci/run).");
        }

        Exception? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var port = FindFreePort();
            try
            {
                return StartOn(port, zone);
            }
            catch (IOException ex)
            {
                // Another process took the port between probing and binding: try the next one.
                last = ex;
            }
        }

        throw new InvalidOperationException("dnsmasq did not start on a free loopback port after 5 attempts.", last);
    }

    private static DnsmasqServer StartOn(int port, DnsmasqZone zone)
    {
        var info = new ProcessStartInfo(BinaryPath)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in zone.ToArguments(port))
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dnsmasq did not start.");
        var server = new DnsmasqServer(process, port);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                var output = server.Output;
                server.Dispose();
                if (output.Contains("Address already in use", StringComparison.OrdinalIgnoreCase))
                {
                    throw new IOException(output);
                }

                throw new InvalidOperationException($"dnsmasq exited with code {process.ExitCode}: {output}");
            }

            if (Answers(port))
            {
                return server;
            }

            Thread.Sleep(50);
        }

        server.Dispose();
        throw new TimeoutException($"dnsmasq on 127.0.0.1:{port} did not answer within 10 s: {server.Output}");
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
        // dnsmasq binds UDP and TCP on the same port: find one that is free for both.
        for (var i = 0; i < 50; i++)
        {
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
            try
            {
                var tcp = new TcpListener(IPAddress.Loopback, port);
                tcp.Start();
                tcp.Stop();
                return port;
            }
            catch (SocketException)
            {
                // TCP side taken; try another.
            }
        }

        throw new InvalidOperationException("No free loopback port for dnsmasq.");
    }

    /// <summary>Readiness probe: a hand-built query for a name under the reserved .invalid TLD; any reply means it is up.</summary>
    private static bool Answers(int port)
    {
        try
        {
            using var udp = new UdpClient();
            udp.Client.ReceiveTimeout = 200;
            var query = new List<byte> { 0x4b, 0x54, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
            foreach (var label in "ready.invalid".Split('.'))
            {
                query.Add((byte)label.Length);
                query.AddRange(Encoding.ASCII.GetBytes(label));
            }

            query.AddRange([0, 0, 1, 0, 1]);
            udp.Send(query.ToArray(), query.Count, new IPEndPoint(IPAddress.Loopback, port));
            var remote = new IPEndPoint(IPAddress.Any, 0);
            return udp.Receive(ref remote).Length >= 12;
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
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }
}
