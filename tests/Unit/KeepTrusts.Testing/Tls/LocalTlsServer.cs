using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace KeepTrusts.Testing.Tls;

/// <summary>
/// A TLS listener on a loopback address (for example 127.10.0.4, standing in for a private endpoint's IP)
/// that completes handshakes with a certificate for the given host name, then closes the connection.
/// </summary>
public sealed class LocalTlsServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2 _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _handshakes;

    private readonly bool _ownsCertificate = true;

    private LocalTlsServer(TcpListener listener, X509Certificate2 certificate, bool ownsCertificate = true)
    {
        _listener = listener;
        _certificate = certificate;
        _ownsCertificate = ownsCertificate;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public IPAddress Address => ((IPEndPoint)_listener.LocalEndpoint).Address;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many clients completed a TLS handshake.</summary>
    public int CompletedHandshakes => Volatile.Read(ref _handshakes);

    /// <summary>SNI host names the clients sent, in order.</summary>
    public List<string> ServerNamesSeen { get; } = [];

    public static LocalTlsServer Start(IPAddress loopbackAddress, string hostName)
    {
        if (!IPAddress.IsLoopback(loopbackAddress))
        {
            throw new ArgumentException($"Test servers bind to loopback only; {loopbackAddress} is not in 127.0.0.0/8.", nameof(loopbackAddress));
        }

        var certificate = TestCertificates.Create(hostName);
        var listener = new TcpListener(loopbackAddress, 0);
        listener.Start();
        return new LocalTlsServer(listener, certificate);
    }

    /// <summary>A server on a given port with a certificate the caller owns (many endpoint addresses sharing one port and one certificate).</summary>
    public static LocalTlsServer Start(IPAddress loopbackAddress, int port, X509Certificate2 certificate)
    {
        if (!IPAddress.IsLoopback(loopbackAddress))
        {
            throw new ArgumentException($"Test servers bind to loopback only; {loopbackAddress} is not in 127.0.0.0/8.", nameof(loopbackAddress));
        }

        var listener = new TcpListener(loopbackAddress, port);
        listener.Start();
        return new LocalTlsServer(listener, certificate, ownsCertificate: false);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                return;
            }

            _ = Task.Run(() => HandshakeAsync(client));
        }
    }

    private async Task HandshakeAsync(TcpClient client)
    {
        using (client)
        await using (var ssl = new SslStream(client.GetStream()))
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                await ssl.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions { ServerCertificate = _certificate, ClientCertificateRequired = false },
                    timeout.Token);
                lock (ServerNamesSeen)
                {
                    ServerNamesSeen.Add(ssl.TargetHostName);
                }

                Interlocked.Increment(ref _handshakes);
            }
            catch (Exception)
            {
                // A client that gives up mid-handshake is not the server's problem.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _acceptLoop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // Stopping the listener ends the loop; nothing more to do.
        }

        if (_ownsCertificate)
        {
            _certificate.Dispose();
        }

        _stop.Dispose();
    }
}
